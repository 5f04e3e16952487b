import FluentKit
import Foundation

/// An audit event written inside the transaction of the change it records, not yet linked into
/// its chain (`AuditLog`, "staged events").
///
/// Linking inside the change's transaction took the chain's lock there and held it to the
/// commit: every write of a tenant waited for the previous one's disk sync. Staged, the event
/// commits with its change, as durably, and the chain's writer links staged events in batches
/// right after (the request waits for that), or, after a crash in between, at the next start.
/// Same columns as `AuditEvent` without the link (sequence and hashes); linking keeps its id and time.
public final class AuditStagedEvent: Model, @unchecked Sendable {
    public static let schema = "audit_staged_events"

    @ID(key: .id) public var id: UUID?
    @Field(key: "chain") public var chain: String
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
    @Field(key: "details") public var details: String
    @Field(key: "occurred_at_ms") public var occurredAtMs: Int64

    public init() {}

    /// The event as the chain will hold it, at `seq` after `prevHash`.
    func linked(seq: Int, prevHash: String) -> AuditEvent {
        let event = AuditEvent()
        event.id = id
        event.chain = chain
        event.seq = seq
        event.tenantID = tenantID
        event.facilityID = facilityID
        event.actorKind = actorKind
        event.actorID = actorID
        event.action = action
        event.outcome = outcome
        event.targetType = targetType
        event.targetID = targetID
        event.requestID = requestID
        event.ip = ip
        event.details = details
        event.occurredAtMs = occurredAtMs
        event.prevHash = prevHash
        event.hash = AuditHasher.hash(of: event)
        return event
    }
}
