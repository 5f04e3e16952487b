import FluentKit
import Foundation

/// A diagnosis of a patient: the ICD-10 code in clear (a filter column, issue C), its note sealed.
public final class PatientCondition: Model, TenantOwned, @unchecked Sendable {
    public static let schema = "patient_conditions"
    public static var tenantIDField: KeyPath<PatientCondition, FieldProperty<PatientCondition, UUID>> { \.$tenantID }

    @ID(key: .id) public var id: UUID?
    @Field(key: "tenant_id") public var tenantID: UUID
    @Field(key: "patient_id") public var patientID: UUID
    @Field(key: "code") public var code: String
    @OptionalField(key: "note_sealed") public var noteSealed: Sealed<String>?

    public init() {}

    public init(tenantID: UUID, patientID: UUID, code: String, noteSealed: Sealed<String>?) {
        self.tenantID = tenantID
        self.patientID = patientID
        self.code = code
        self.noteSealed = noteSealed
    }
}
