import FluentKit
import Foundation

/// One entry of the append-only, hash-chained audit trail. Each tenant has its own chain
/// (`chain` = tenant id), platform operations have the chain `platform`.
public final class AuditEvent: Model, @unchecked Sendable {
    public static let schema = "audit_events"

    @ID(key: .id) public var id: UUID?
    @Field(key: "chain") public var chain: String
    @Field(key: "seq") public var seq: Int
    @OptionalField(key: "tenant_id") public var tenantID: UUID?
    @OptionalField(key: "facility_id") public var facilityID: UUID?
    @Field(key: "actor_kind") public var actorKind: String
    @OptionalField(key: "actor_id") public var actorID: UUID?
    @Field(key: "action") public var action: String
    @Field(key: "outcome") public var outcome: String
    @OptionalField(key: "target_type") public var targetType: String?
    @OptionalField(key: "target_id") public var targetID: String?
    @OptionalField(key: "request_id") public var requestID: String?
    @OptionalField(key: "ip") public var ip: String?
    /// JSON object with sorted keys; identifiers and reasons only, never PHI.
    @Field(key: "details") public var details: String
    /// Milliseconds since 1970, so the hash input is identical on every database.
    @Field(key: "occurred_at_ms") public var occurredAtMs: Int64
    @Field(key: "prev_hash") public var prevHash: String
    @Field(key: "hash") public var hash: String

    public init() {}

    public var occurredAt: Date { Date(timeIntervalSince1970: Double(occurredAtMs) / 1000) }
}
