import CareFlowCore
import Foundation

/// An audit event about the patient. The client IP and the chain hashes are left out: the IP
/// is the staff member's, not the patient's, and the hashes only mean something with the
/// whole chain (the tenant verifies that, `careflow audit verify`).
struct ArchivedAuditEventDTO: Encodable {
    let seq: Int
    let occurredAt: Date
    let actorKind: String
    let actorID: UUID?
    let action: String
    let outcome: String
    let targetType: String?
    let targetID: String?
    let details: [String: String]

    enum CodingKeys: String, CodingKey {
        case seq, action, outcome, details
        case occurredAt = "occurred_at"
        case actorKind = "actor_kind"
        case actorID = "actor_id"
        case targetType = "target_type"
        case targetID = "target_id"
    }

    init(_ e: AuditEvent) {
        let full = AuditEventDTO(e)
        seq = full.seq
        occurredAt = full.occurredAt
        actorKind = full.actorKind
        actorID = full.actorID
        action = full.action
        outcome = full.outcome
        targetType = full.targetType
        targetID = full.targetID
        details = full.details
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(seq, forKey: .seq)
        try c.encode(occurredAt, forKey: .occurredAt)
        try c.encode(actorKind, forKey: .actorKind)
        try c.encode(actorID, forKey: .actorID)
        try c.encode(action, forKey: .action)
        try c.encode(outcome, forKey: .outcome)
        try c.encode(targetType, forKey: .targetType)
        try c.encode(targetID, forKey: .targetID)
        try c.encode(details, forKey: .details)
    }
}
