import FluentKit
import Foundation

/// Medical records of a patient: written by doctors of the care team and nurses of the
/// patient's facilities (`patient.update_clinical`), read by those allowed
/// `patient.read_clinical`. The kind stays in clear (a filter that says nothing about who the
/// patient is); the title and body are sealed.
public typealias MedicalRecordService = ClinicalEntryService<MedicalRecords>

public enum MedicalRecords: ClinicalEntryKind {
    /// A record as its author wrote it.
    public struct Content: Sendable {
        public var kind: MedicalRecord.Kind
        public var title: String
        public var body: String

        public init(kind: MedicalRecord.Kind, title: String, body: String) {
            self.kind = kind
            self.title = title
            self.body = body
        }
    }

    public static let writeAction = Action.patientUpdateClinical
    public static let createAction = AuditAction.medicalRecordCreate
    public static let targetType = "medical_record"
    public static let listRead = "medical_records"
    public static let notFound = "Medical record not found"

    public static func seal(_ content: Content, into record: MedicalRecord, with cipher: FieldCipher) throws {
        record.kind = content.kind
        record.titleSealed = try cipher.seal(content.title)
        record.bodySealed = try cipher.seal(content.body)
    }

    public static func open(_ record: MedicalRecord, with cipher: FieldCipher) throws -> Content {
        Content(kind: record.kind, title: try cipher.open(record.titleSealed), body: try cipher.open(record.bodySealed))
    }

    public static func auditDetails(of record: MedicalRecord) -> [String: String] {
        ["kind": record.kind.rawValue]
    }
}

extension MedicalRecord: AuthoredClinicalEntry {
    public static var patientIDField: KeyPath<MedicalRecord, FieldProperty<MedicalRecord, UUID>> { \.$patientID }
    public static var sharedWithPatientField: KeyPath<MedicalRecord, FieldProperty<MedicalRecord, Bool>> { \.$sharedWithPatient }
    public static var deletedAtField: KeyPath<MedicalRecord, OptionalFieldProperty<MedicalRecord, Date>> { \.$deletedAt }
}
