import FluentKit
import Foundation

/// The record that a patient was erased (GDPR Art. 17): their key is gone, so their rows stay
/// only as unreadable ciphertext; this row turns reads of them into 410 Gone instead of 404,
/// and stops a new key from ever being made for them.
public final class PatientErasure: Model, TenantOwned, @unchecked Sendable {
    public static let schema = "patient_erasures"
    public static var tenantIDField: KeyPath<PatientErasure, FieldProperty<PatientErasure, UUID>> { \.$tenantID }

    @ID(key: .id) public var id: UUID?
    @Field(key: "tenant_id") public var tenantID: UUID
    @Field(key: "patient_id") public var patientID: UUID
    @Field(key: "erased_by") public var erasedBy: UUID
    /// The admin's stated reason, sealed under the tenant's key (it outlives the patient's).
    @Field(key: "reason_sealed") public var reasonSealed: Sealed<String>
    @Field(key: "erased_at") public var erasedAt: Date

    public init() {}

    public init(tenantID: UUID, patientID: UUID, erasedBy: UUID, reasonSealed: Sealed<String>, erasedAt: Date) {
        self.tenantID = tenantID
        self.patientID = patientID
        self.erasedBy = erasedBy
        self.reasonSealed = reasonSealed
        self.erasedAt = erasedAt
    }
}
