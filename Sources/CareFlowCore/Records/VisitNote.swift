import FluentKit
import Foundation

/// A doctor's note of a visit, optionally for one appointment. The body is sealed under the
/// tenant's data key; nothing about its content is in clear.
public final class VisitNote: Model, TenantOwned, @unchecked Sendable {
    public static let schema = "visit_notes"
    public static var tenantIDField: KeyPath<VisitNote, FieldProperty<VisitNote, UUID>> { \.$tenantID }

    @ID(key: .id) public var id: UUID?
    @Field(key: "tenant_id") public var tenantID: UUID
    @Field(key: "patient_id") public var patientID: UUID
    @Field(key: "author_id") public var authorID: UUID
    @OptionalField(key: "appointment_id") public var appointmentID: UUID?
    @Field(key: "body_sealed") public var bodySealed: Sealed<String>
    @Field(key: "shared_with_patient") public var sharedWithPatient: Bool
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) public var updatedAt: Date?
    @OptionalField(key: "deleted_at") public var deletedAt: Date?

    public init() {}
}
