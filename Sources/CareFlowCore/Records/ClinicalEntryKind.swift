import Foundation

/// What sets one kind of clinical entry apart from the others; everything else (who may read,
/// what the patient sees, pagination, sealing under the tenant key, audit) is
/// `ClinicalEntryService`'s and identical for every kind.
public protocol ClinicalEntryKind: Sendable {
    associatedtype Model: ClinicalEntryModel
    /// What the author wrote, in clear: the sealed fields opened (and any clear ones with them).
    associatedtype Content: Sendable

    /// The action that lets a caller read the patient's entries of this kind.
    static var readAction: Action { get }
    /// The action that lets a caller write one.
    static var writeAction: Action { get }
    /// The audit action of a new entry (`medical_record.create`).
    static var createAction: AuditAction { get }
    /// The audit target type (`medical_record`); a read of one entry is the PHI read
    /// `<targetType>:<id>`.
    static var targetType: String { get }
    /// What a PHI read of the patient's list is recorded as (`medical_records`).
    static var listRead: String { get }
    /// The 404 of a missing, deleted, hidden or other patient's entry.
    static var notFound: String { get }

    /// Sets the entry's fields from the content, sealing what is PHI.
    static func seal(_ content: Content, into entry: Model, with cipher: FieldCipher) throws
    static func open(_ entry: Model, with cipher: FieldCipher) throws -> Content
    /// Details of the write's audit event besides the patient id; never PHI.
    static func auditDetails(of entry: Model) -> [String: String]
}

extension ClinicalEntryKind {
    public static var readAction: Action { .patientReadClinical }
}
