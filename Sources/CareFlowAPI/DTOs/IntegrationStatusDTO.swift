import CareFlowCore
import Vapor

/// `GET /api/v1/integrations`: one item per capability, plus the tenant's outbox by status.
struct IntegrationsResponse: Content {
    let items: [IntegrationStatusDTO]
    let nextCursor: String?
    let outbox: [String: Int]

    enum CodingKeys: String, CodingKey {
        case items, outbox
        case nextCursor = "next_cursor"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(items, forKey: .items)
        try c.encode(nextCursor, forKey: .nextCursor)
        try c.encode(outbox, forKey: .outbox)
    }
}

struct IntegrationStatusDTO: Content {
    struct Health: Content {
        let lastSuccessAt: Date?
        let lastErrorAt: Date?
        let lastError: String?

        enum CodingKeys: String, CodingKey {
            case lastSuccessAt = "last_success_at"
            case lastErrorAt = "last_error_at"
            case lastError = "last_error"
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(lastSuccessAt, forKey: .lastSuccessAt)
            try c.encode(lastErrorAt, forKey: .lastErrorAt)
            try c.encode(lastError, forKey: .lastError)
        }
    }

    let capability: String
    let adapter: String
    let settings: [String: String]
    let secretReferences: [String: String]
    let health: Health

    enum CodingKeys: String, CodingKey {
        case capability, adapter, settings, health
        case secretReferences = "secret_references"
    }
}

extension IntegrationStatusDTO {
    init(_ s: IntegrationStatus) {
        capability = s.capability.rawValue
        adapter = s.adapter
        settings = s.settings
        secretReferences = s.secretReferences
        health = Health(lastSuccessAt: s.health.lastSuccessAt, lastErrorAt: s.health.lastErrorAt, lastError: s.health.lastError)
    }
}

extension IntegrationsResponse: SchemaSample {
    static var schemaSamples: [Self] { [IntegrationsResponse(items: IntegrationStatusDTO.schemaSamples, nextCursor: "opaque", outbox: ["pending": 0])] }
    static var schemaNotes: [String: SchemaNote] { ["outbox": .keys(of: OutboxMessage.Status.self)] }
}

extension IntegrationStatusDTO: SchemaSample {
    static var schemaSamples: [Self] {
        [IntegrationStatusDTO(capability: "sms", adapter: "console", settings: ["from": "+1"], secretReferences: ["api_key": "env:KEY"],
                              health: Health(lastSuccessAt: Date(), lastErrorAt: Date(), lastError: "timeout"))]
    }
    static var schemaNotes: [String: SchemaNote] {
        ["capability": .values(of: Capability.self), "secret_references": .description("env:NAME or file:/path; never a secret value")]
    }
}
