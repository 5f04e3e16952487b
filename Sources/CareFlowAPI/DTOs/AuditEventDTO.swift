import CareFlowCore
import Vapor

struct AuditEventDTO: Content {
    let id: UUID
    let seq: Int
    let occurredAt: Date
    let facilityID: UUID?
    let actorKind: String
    let actorID: UUID?
    let action: String
    let outcome: String
    let targetType: String?
    let targetID: String?
    let requestID: String?
    let ip: String?
    let details: [String: String]
    let hash: String
    let prevHash: String

    /// One for all rows: an export decodes the details of every event of the trail.
    private static let detailsDecoder = JSONDecoder()

    enum CodingKeys: String, CodingKey {
        case id, seq, action, outcome, ip, details, hash
        case occurredAt = "occurred_at"
        case facilityID = "facility_id"
        case actorKind = "actor_kind"
        case actorID = "actor_id"
        case targetType = "target_type"
        case targetID = "target_id"
        case requestID = "request_id"
        case prevHash = "prev_hash"
    }
}

extension AuditEventDTO {
    init(_ e: AuditEvent) {
        id = e.id!
        seq = e.seq
        occurredAt = e.occurredAt
        facilityID = e.facilityID
        actorKind = e.actorKind
        actorID = e.actorID
        action = e.action
        outcome = e.outcome
        targetType = e.targetType
        targetID = e.targetID
        requestID = e.requestID
        ip = e.ip
        details = (try? Self.detailsDecoder.decode([String: String].self, from: Data(e.details.utf8))) ?? [:]
        hash = e.hash
        prevHash = e.prevHash
    }
}

extension AuditEventDTO: SchemaSample {
    static var schemaSamples: [Self] {
        [AuditEventDTO(id: UUID(), seq: 1, occurredAt: Date(), facilityID: UUID(), actorKind: "user", actorID: UUID(), action: "patient.read",
                       outcome: "success", targetType: "patient", targetID: "id", requestID: "req", ip: "192.0.2.1",
                       details: ["field": "value"], hash: "h", prevHash: "p")]
    }
}
