import Foundation
import SQLKit

/// Every sealed column that holds data about one patient, and how to find that patient's rows.
/// Erasure re-seals exactly these under the patient's key before destroying it, so a table
/// with patient data that is missing here would keep readable values after an erasure: new
/// sealed columns about patients must be added in the same change.
public enum PatientSealedColumns {
    public enum Rows: Sendable {
        /// The `patients` row itself.
        case patient
        /// Rows with a `patient_id` column.
        case patientID
    }

    public struct Table: Sendable {
        public let name: String
        public let columns: [String]
        public let rows: Rows

        /// The WHERE condition selecting this patient's rows of the table.
        func condition(patientID: UUID, tenantID: UUID) -> SQLQueryString {
            switch rows {
            case .patient:
                "id = \(bind: patientID) AND tenant_id = \(bind: tenantID)"
            case .patientID:
                "patient_id = \(bind: patientID) AND tenant_id = \(bind: tenantID)"
            }
        }
    }

    public static let all: [Table] = [
        Table(name: "patients", columns: ["mrn_sealed", "given_name_sealed", "family_name_sealed", "birth_date_sealed",
                                          "phone_sealed", "email_sealed", "national_id_sealed", "details_sealed"], rows: .patient),
        Table(name: "patient_conditions", columns: ["code_sealed", "note_sealed"], rows: .patientID),
        Table(name: "appointments", columns: ["reason_sealed"], rows: .patientID),
        Table(name: "medical_records", columns: ["title_sealed", "body_sealed"], rows: .patientID),
        Table(name: "visit_notes", columns: ["body_sealed"], rows: .patientID),
        // The file keys: once they are unreadable so are the blobs (which erasure also deletes).
        Table(name: "documents", columns: ["file_key_sealed", "filename_sealed"], rows: .patientID),
        Table(name: "risk_assessments", columns: ["inputs_sealed", "contributions_sealed"], rows: .patientID),
        Table(name: "llm_exchanges", columns: ["prompt_sealed", "answer_sealed"], rows: .patientID),
        Table(name: "care_steps", columns: ["title_sealed", "detail_sealed"], rows: .patientID),
        Table(name: "prescription_analyses", columns: ["analysis_sealed", "text_sealed"], rows: .patientID),
        Table(name: "admissions", columns: ["reason_sealed", "summary_sealed"], rows: .patientID),
        // Not here, on purpose: invoices, their lines, claims and their transitions. They are
        // accounting records the tenant must keep (GDPR Art. 17(3)(b)); they stay under the
        // tenant's key and name the patient only by id.
    ]
}
