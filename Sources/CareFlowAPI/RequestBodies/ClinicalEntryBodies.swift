import CareFlowCore
import Foundation

/// The body of `POST /api/v1/patients/{id}/records` or `/notes`: the kind's own fields first (so
/// a 422 names fields in body order), then where the entry belongs.
protocol ClinicalEntryBody<Kind>: RequestBody {
    associatedtype Kind: ClinicalEntryKind
    var draft: ClinicalEntryService<Kind>.Draft { get }
}

extension ClinicalEntryBody {
    /// `appointment_id?` and `shared_with_patient?` (default false), common to every kind.
    static func draft(_ content: Kind.Content?, _ fields: inout FieldReader) -> ClinicalEntryService<Kind>.Draft? {
        let appointmentID = fields.uuid("appointment_id", required: false)
        let shared = fields.bool("shared_with_patient", required: false)
        guard let content, fields.errors.isEmpty else { return nil }
        return .init(content: content, appointmentID: appointmentID, sharedWithPatient: shared ?? false)
    }
}

/// `{kind, title, body, appointment_id?, shared_with_patient?}`.
struct MedicalRecordBody: ClinicalEntryBody {
    let draft: ClinicalEntryService<MedicalRecords>.Draft

    init?(fields: inout FieldReader) {
        let kind = fields.enumeration("kind", MedicalRecord.Kind.self)
        let title = fields.string("title", maxLength: 200)
        let text = fields.string("body", maxLength: 50_000)
        var content: MedicalRecords.Content?
        if let kind, let title, let text { content = .init(kind: kind, title: title, body: text) }
        guard let draft = Self.draft(content, &fields) else { return nil }
        self.draft = draft
    }
}

/// `{body, appointment_id?, shared_with_patient?}`.
struct VisitNoteBody: ClinicalEntryBody {
    let draft: ClinicalEntryService<VisitNotes>.Draft

    init?(fields: inout FieldReader) {
        let text = fields.string("body", maxLength: 50_000)
        guard let draft = Self.draft(text, &fields) else { return nil }
        self.draft = draft
    }
}
