import FluentKit
import Foundation

/// One patient's data key (GDPR Art. 17 crypto-shredding): everything about the patient is
/// sealed under it, so deleting this row makes that data unreadable everywhere at once,
/// backups of the data tables included.
///
/// The key is sealed under the tenant's data key rather than wrapped by the master key: a
/// tenant data-key rotation re-seals it with every other sealed column (it is listed in
/// `EncryptedColumns`), a master-key rotation needs nothing new, and destroying a tenant's
/// keys shreds its patients' keys too.
public final class PatientKey: Model, TenantOwned, @unchecked Sendable {
    public static let schema = "patient_keys"
    public static var tenantIDField: KeyPath<PatientKey, FieldProperty<PatientKey, UUID>> { \.$tenantID }

    @ID(key: .id) public var id: UUID?
    @Field(key: "tenant_id") public var tenantID: UUID
    @Field(key: "patient_id") public var patientID: UUID
    /// The Fernet key (URL-safe base64), sealed under the tenant's data key.
    @Field(key: "key_sealed") public var keySealed: Sealed<String>
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?

    public init() {}

    public init(tenantID: UUID, patientID: UUID, keySealed: Sealed<String>) {
        self.tenantID = tenantID
        self.patientID = patientID
        self.keySealed = keySealed
    }
}
