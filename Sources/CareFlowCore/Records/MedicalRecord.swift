import FluentKit
import Foundation

/// A clinical record of a patient (a diagnosis, a lab result, vital signs…), written by a doctor
/// or nurse, optionally for one appointment. Only the kind is in clear (a filter, and it says
/// nothing about who the patient is); the title and body are sealed under the tenant's data key.
public final class MedicalRecord: Model, TenantOwned, @unchecked Sendable {
    public static let schema = "medical_records"
    public static var tenantIDField: KeyPath<MedicalRecord, FieldProperty<MedicalRecord, UUID>> { \.$tenantID }

    public enum Kind: String, Codable, Sendable, CaseIterable {
        case diagnosis, procedure, medication, allergy, immunization, observation, other
        case labResult = "lab_result"
        case imaging
        case vitalSigns = "vital_signs"
    }

    @ID(key: .id) public var id: UUID?
    @Field(key: "tenant_id") public var tenantID: UUID
    @Field(key: "patient_id") public var patientID: UUID
    @Field(key: "author_id") public var authorID: UUID
    @OptionalField(key: "appointment_id") public var appointmentID: UUID?
    @Field(key: "kind") public var kind: Kind
    @Field(key: "title_sealed") public var titleSealed: Sealed<String>
    @Field(key: "body_sealed") public var bodySealed: Sealed<String>
    /// Whether the patient themself may read it (PRODUCT §1: "records shared with them").
    @Field(key: "shared_with_patient") public var sharedWithPatient: Bool
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) public var updatedAt: Date?
    @OptionalField(key: "deleted_at") public var deletedAt: Date?

    public init() {}
}
