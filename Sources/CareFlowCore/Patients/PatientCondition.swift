import FluentKit
import Foundation

/// A diagnosis of a patient. Diagnoses are PHI (PRODUCT §3): the ICD-10 code is sealed like
/// the note, and the `condition` filter matches its blind index, so the database never holds
/// which patient has which diagnosis in clear.
public final class PatientCondition: Model, TenantOwned, @unchecked Sendable {
    public static let schema = "patient_conditions"
    public static var tenantIDField: KeyPath<PatientCondition, FieldProperty<PatientCondition, UUID>> { \.$tenantID }

    @ID(key: .id) public var id: UUID?
    @Field(key: "tenant_id") public var tenantID: UUID
    @Field(key: "patient_id") public var patientID: UUID
    @Field(key: "code_sealed") public var codeSealed: Sealed<String>
    /// Blind index of the code (`BlindIndexKind.conditionCode`), for the `condition` filter.
    @Field(key: "code_index") public var codeIndex: String
    @OptionalField(key: "note_sealed") public var noteSealed: Sealed<String>?

    public init() {}

    public init(tenantID: UUID, patientID: UUID, code: String, noteSealed: Sealed<String>?, cipher: FieldCipher) throws {
        let normalised = BlindIndexKind.conditionCode.normalise(code)
        self.tenantID = tenantID
        self.patientID = patientID
        self.codeSealed = try cipher.seal(normalised)
        self.codeIndex = cipher.index(normalised, as: .conditionCode)
        self.noteSealed = noteSealed
    }

    public func input(cipher: FieldCipher) throws -> ConditionInput {
        ConditionInput(code: try cipher.open(codeSealed), note: try cipher.open(noteSealed))
    }
}
