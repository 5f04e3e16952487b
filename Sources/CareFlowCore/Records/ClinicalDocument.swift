import FluentKit
import Foundation

/// An uploaded file of a patient (a lab report, a scan, a prescription). The content lives in
/// the blob store, encrypted with a key of its own (CFE1); that key is sealed here under the
/// tenant's data key, so rotating the tenant key re-seals `file_key_sealed` like any other
/// sealed column and never has to rewrite the blob. The type is the one detected from the
/// content, never the one the client declared.
public final class ClinicalDocument: Model, TenantOwned, @unchecked Sendable {
    public static let schema = "documents"
    public static var tenantIDField: KeyPath<ClinicalDocument, FieldProperty<ClinicalDocument, UUID>> { \.$tenantID }

    public enum Kind: String, Codable, Sendable, CaseIterable {
        case lab, scan, prescription, other
    }

    @ID(key: .id) public var id: UUID?
    @Field(key: "tenant_id") public var tenantID: UUID
    @Field(key: "patient_id") public var patientID: UUID
    @Field(key: "kind") public var kind: Kind
    @Field(key: "content_type") public var contentType: DocumentContentType
    /// Plaintext size in bytes.
    @Field(key: "size") public var size: Int64
    /// SHA-256 of the plaintext, lower-case hex; checked again on every download.
    @Field(key: "sha256") public var sha256: String
    @Field(key: "file_key_sealed") public var fileKeySealed: Sealed<String>
    @OptionalField(key: "filename_sealed") public var filenameSealed: Sealed<String>?
    @Field(key: "uploaded_by") public var uploadedBy: UUID
    @Field(key: "shared_with_patient") public var sharedWithPatient: Bool
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?
    @OptionalField(key: "deleted_at") public var deletedAt: Date?
    @OptionalField(key: "deleted_by") public var deletedBy: UUID?

    public init() {}
}
