import CareFlowCore
import Vapor

/// An outbox row without its sealed payload: recipient and content stay out of admin views.
struct OutboxMessageDTO: Content {
    let id: UUID
    let capability: String
    let status: String
    let attempts: Int
    let nextAttemptAt: Date
    let lastError: String?
    let providerMessageID: String?
    let deliveryStatus: String?
    let createdAt: Date?

    enum CodingKeys: String, CodingKey {
        case id, capability, status, attempts
        case nextAttemptAt = "next_attempt_at"
        case lastError = "last_error"
        case providerMessageID = "provider_message_id"
        case deliveryStatus = "delivery_status"
        case createdAt = "created_at"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(capability, forKey: .capability)
        try c.encode(status, forKey: .status)
        try c.encode(attempts, forKey: .attempts)
        try c.encode(nextAttemptAt, forKey: .nextAttemptAt)
        try c.encode(lastError, forKey: .lastError)
        try c.encode(providerMessageID, forKey: .providerMessageID)
        try c.encode(deliveryStatus, forKey: .deliveryStatus)
        try c.encode(createdAt, forKey: .createdAt)
    }
}

extension OutboxMessageDTO {
    init(_ m: OutboxMessage) {
        id = m.id!
        capability = m.capability
        status = m.status.rawValue
        attempts = m.attempts
        nextAttemptAt = m.nextAttemptAt
        lastError = m.lastError
        providerMessageID = m.providerMessageID
        deliveryStatus = m.deliveryStatus
        createdAt = m.createdAt
    }
}

extension OutboxMessageDTO: SchemaSample {
    static var schemaSamples: [Self] {
        [OutboxMessageDTO(id: UUID(), capability: "sms", status: OutboxMessage.Status.pending.rawValue, attempts: 0, nextAttemptAt: Date(), lastError: "timeout",
                          providerMessageID: "SM1", deliveryStatus: "delivered", createdAt: Date())]
    }
    static var schemaNotes: [String: SchemaNote] { ["status": .values(of: OutboxMessage.Status.self)] }
}
