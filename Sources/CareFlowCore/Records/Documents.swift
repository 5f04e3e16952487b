import FluentKit
import Foundation

/// Documents as clinical entries: uploaded by those allowed `patient.update_clinical`, read by
/// those allowed `patient.read_clinical`. The file name is the one sealed field of the row (the
/// content is a blob with a key of its own, see `ClinicalDocument`); it is PHI, so listing
/// documents is an audited PHI read too.
public enum Documents: ClinicalEntryKind {
    /// The file name the uploader gave, if any.
    public typealias Content = String?

    public static let writeAction = Action.patientUpdateClinical
    public static let createAction = AuditAction.documentUpload
    public static let deleteAction = AuditAction.documentDelete
    public static let targetType = "document"
    public static let listRead = "documents"
    public static let notFound = "Document not found"

    public static func seal(_ filename: String?, into document: ClinicalDocument, with cipher: FieldCipher) throws {
        document.filenameSealed = try filename.map { try cipher.seal($0) }
    }

    public static func open(_ document: ClinicalDocument, with cipher: FieldCipher) throws -> String? {
        try cipher.open(document.filenameSealed)
    }

    public static func auditDetails(of document: ClinicalDocument) -> [String: String] {
        ["kind": document.kind.rawValue, "content_type": document.contentType.rawValue, "size": String(document.size)]
    }
}

extension ClinicalDocument: ClinicalEntryModel {
    public static var patientIDField: KeyPath<ClinicalDocument, FieldProperty<ClinicalDocument, UUID>> { \.$patientID }
    public static var sharedWithPatientField: KeyPath<ClinicalDocument, FieldProperty<ClinicalDocument, Bool>> { \.$sharedWithPatient }
    public static var deletedAtField: KeyPath<ClinicalDocument, OptionalFieldProperty<ClinicalDocument, Date>> { \.$deletedAt }
}
