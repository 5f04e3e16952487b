import FluentKit
import Foundation

/// One change of a claim's state: who, when, from, to, and an optional sealed note.
public final class ClaimTransition: Model, TenantOwned, @unchecked Sendable {
    public static let schema = "claim_transitions"
    public static var tenantIDField: KeyPath<ClaimTransition, FieldProperty<ClaimTransition, UUID>> { \.$tenantID }

    @ID(key: .id) public var id: UUID?
    @Field(key: "tenant_id") public var tenantID: UUID
    @Field(key: "claim_id") public var claimID: UUID
    /// Nil for the submission itself.
    @OptionalField(key: "from_status") public var fromStatus: Claim.Status?
    @Field(key: "to_status") public var toStatus: Claim.Status
    @OptionalField(key: "note_sealed") public var noteSealed: Sealed<String>?
    @OptionalField(key: "actor_id") public var actorID: UUID?
    @Field(key: "at") public var at: Date

    public init() {}
}
