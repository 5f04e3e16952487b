import FluentKit
import Foundation

/// An insurance claim for an invoice (issue 14). Moves only along
/// `submitted → in_review → approved | denied`, `approved → paid`; each move is a
/// `ClaimTransition`. The policy number is sealed.
public final class Claim: Model, TenantOwned, @unchecked Sendable {
    public static let schema = "claims"
    public static var tenantIDField: KeyPath<Claim, FieldProperty<Claim, UUID>> { \.$tenantID }

    public enum Status: String, Codable, Sendable, CaseIterable {
        case submitted
        case inReview = "in_review"
        case approved, denied, paid
    }

    @ID(key: .id) public var id: UUID?
    @Field(key: "tenant_id") public var tenantID: UUID
    @Field(key: "invoice_id") public var invoiceID: UUID
    @Field(key: "facility_id") public var facilityID: UUID
    @Field(key: "patient_id") public var patientID: UUID
    @Field(key: "payer") public var payer: String
    @Field(key: "policy_number_sealed") public var policyNumberSealed: Sealed<String>
    @Field(key: "amount") public var amount: Int
    @Field(key: "currency") public var currency: String
    @Field(key: "status") public var status: Status
    /// The denial's note, sealed like every transition note (it is the same text, often clinical).
    @OptionalField(key: "denial_reason") public var denialReasonSealed: Sealed<String>?
    @OptionalField(key: "created_by") public var createdBy: UUID?
    @Field(key: "created_at") public var createdAt: Date
    @Timestamp(key: "updated_at", on: .update) public var updatedAt: Date?

    public init() {}
}
