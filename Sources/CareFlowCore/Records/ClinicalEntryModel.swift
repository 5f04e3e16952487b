import FluentKit
import Foundation

/// A row of a patient's clinical file (a record, a visit note, a document): it belongs to one
/// patient, may be shared with that patient, and is deleted softly. The static key paths let
/// `ClinicalEntryService` build the same patient / audience / deletion filters for every kind.
public protocol ClinicalEntryModel: TenantOwned {
    static var patientIDField: KeyPath<Self, FieldProperty<Self, UUID>> { get }
    static var sharedWithPatientField: KeyPath<Self, FieldProperty<Self, Bool>> { get }
    static var deletedAtField: KeyPath<Self, OptionalFieldProperty<Self, Date>> { get }
    var patientID: UUID { get set }
    var sharedWithPatient: Bool { get set }
    var deletedAt: Date? { get }
}

/// An entry written by a member of staff, optionally for one appointment of the patient
/// (records and notes; a document has an uploader and no appointment).
public protocol AuthoredClinicalEntry: ClinicalEntryModel {
    var authorID: UUID { get set }
    var appointmentID: UUID? { get set }
}
