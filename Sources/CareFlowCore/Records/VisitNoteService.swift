import FluentKit
import Foundation

/// Visit notes of a patient: written by doctors of the care team (`visit_note.create`), read by
/// those allowed `patient.read_clinical`. The body is sealed; nothing about it is in clear.
public typealias VisitNoteService = ClinicalEntryService<VisitNotes>

public enum VisitNotes: ClinicalEntryKind {
    /// The note's body.
    public typealias Content = String

    public static let writeAction = Action.visitNoteCreate
    public static let createAction = AuditAction.visitNoteCreate
    public static let targetType = "visit_note"
    public static let listRead = "visit_notes"
    public static let notFound = "Visit note not found"

    public static func seal(_ body: String, into note: VisitNote, with cipher: FieldCipher) throws {
        note.bodySealed = try cipher.seal(body)
    }

    public static func open(_ note: VisitNote, with cipher: FieldCipher) throws -> String {
        try cipher.open(note.bodySealed)
    }

    public static func auditDetails(of note: VisitNote) -> [String: String] { [:] }
}

extension VisitNote: AuthoredClinicalEntry {
    public static var patientIDField: KeyPath<VisitNote, FieldProperty<VisitNote, UUID>> { \.$patientID }
    public static var sharedWithPatientField: KeyPath<VisitNote, FieldProperty<VisitNote, Bool>> { \.$sharedWithPatient }
    public static var deletedAtField: KeyPath<VisitNote, OptionalFieldProperty<VisitNote, Date>> { \.$deletedAt }
}
