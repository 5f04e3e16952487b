import Foundation

/// Everything about one patient that the caller may read, gathered for the patient's data
/// export (issue 16: HIPAA right of access, GDPR Art. 15). Each part was read through its own
/// service, with that service's rules and audit: a section the caller may not read is `nil`
/// and named in `withheld` (an admin without a clinical role gets no clinical content, PRODUCT
/// §1), not an empty list that would claim there is none. Each document's content is opened
/// (its blob checked, its key unwrapped) but not read: its bytes are read while the archive
/// streams, a piece at a time.
public struct PatientDataExport: Sendable {
    /// Format of the archive's files; raised when a file changes shape.
    public static let formatVersion = 1
    /// The archive is written without ZIP64, so it must stay under 4 GiB; the documents'
    /// total is checked against this before the first byte (the JSON files come on top).
    public static let maxDocumentBytes: Int64 = 3 * 1024 * 1024 * 1024

    public enum Section: String, Sendable, CaseIterable {
        case records, notes, documents, appointments, invoices, claims, admissions
        case careSteps = "care_steps"
        case prescriptions, predictions
    }

    public let patientID: UUID
    public let generatedAt: Date
    public let exportedBy: Principal
    public let patient: PatientView
    public let records: [MedicalRecordService.Entry]?
    public let notes: [VisitNoteService.Entry]?
    public let documents: [DocumentService.Entry]?
    /// One per entry of `documents`, in the same order.
    public let documentContents: [DocumentContent]
    public let appointments: [VisibleAppointment]
    public let invoices: [InvoiceService.View]
    /// Refunds of the invoices above, oldest first.
    public let refunds: [InvoiceRefund]
    public let claims: [ClaimView]
    public let admissions: [VisibleAdmission]
    public let careSteps: [CareStepService.View]?
    public let prescriptions: [PrescriptionService.Stored]?
    public let predictions: [PredictionService.Entry]?
    /// Audit events whose target is the patient or one of the items above, oldest first.
    public let auditEvents: [AuditEvent]

    /// Sections left out because the caller may not read them, in a stable order.
    public var withheld: [Section] {
        var sections: [Section] = []
        if records == nil { sections.append(.records) }
        if notes == nil { sections.append(.notes) }
        if documents == nil { sections.append(.documents) }
        if careSteps == nil { sections.append(.careSteps) }
        if prescriptions == nil { sections.append(.prescriptions) }
        if predictions == nil { sections.append(.predictions) }
        return sections
    }

    /// Items per section, as the manifest and the audit event state them.
    public var counts: [String: Int] {
        var counts: [String: Int] = [
            Section.appointments.rawValue: appointments.count, Section.invoices.rawValue: invoices.count,
            Section.claims.rawValue: claims.count, Section.admissions.rawValue: admissions.count,
            "refunds": refunds.count, "audit_events": auditEvents.count,
        ]
        if let records { counts[Section.records.rawValue] = records.count }
        if let notes { counts[Section.notes.rawValue] = notes.count }
        if let documents { counts[Section.documents.rawValue] = documents.count }
        if let careSteps { counts[Section.careSteps.rawValue] = careSteps.count }
        if let prescriptions { counts[Section.prescriptions.rawValue] = prescriptions.count }
        if let predictions { counts[Section.predictions.rawValue] = predictions.count }
        return counts
    }
}
