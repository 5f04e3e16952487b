import FluentKit
import Foundation

/// A patient's stay in a bed of a ward (issue 14). While `current`, the database keeps the bed
/// to this patient alone (partial unique index). Reason and summary are PHI and sealed.
public final class Admission: Model, TenantOwned, @unchecked Sendable {
    public static let schema = "admissions"
    public static var tenantIDField: KeyPath<Admission, FieldProperty<Admission, UUID>> { \.$tenantID }

    public enum Status: String, Codable, Sendable, CaseIterable {
        case current, discharged
    }

    @ID(key: .id) public var id: UUID?
    @Field(key: "tenant_id") public var tenantID: UUID
    @Field(key: "facility_id") public var facilityID: UUID
    @Field(key: "ward_id") public var wardID: UUID
    @Field(key: "patient_id") public var patientID: UUID
    /// 1…`Ward.beds`.
    @Field(key: "bed") public var bed: Int
    @Field(key: "status") public var status: Status
    @Field(key: "admitted_at") public var admittedAt: Date
    @OptionalField(key: "discharged_at") public var dischargedAt: Date?
    @Field(key: "reason_sealed") public var reasonSealed: Sealed<String>
    /// Where the patient went (e.g. `home`, `transferred`, `deceased`); set on discharge.
    @OptionalField(key: "disposition") public var disposition: String?
    @OptionalField(key: "summary_sealed") public var summarySealed: Sealed<String>?
    @OptionalField(key: "admitted_by") public var admittedBy: UUID?
    @OptionalField(key: "discharged_by") public var dischargedBy: UUID?
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) public var updatedAt: Date?

    public init() {}
}
