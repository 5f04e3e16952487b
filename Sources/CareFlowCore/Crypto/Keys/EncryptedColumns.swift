/// Every column that holds `Sealed` values, by table. Key rotation re-encrypts exactly these;
/// a table with sealed columns that is missing here would keep old-key ciphertext, so new
/// sealed columns must be added in the same change.
public enum EncryptedColumns {
    public struct Table: Sendable {
        public let name: String
        public let columns: [String]
        /// The column naming the row's patient, where values may be under that patient's own key
        /// (`PatientKey`): rotation leaves those alone (the patient key itself is re-sealed).
        public var patientColumn: String? = nil
    }

    public static let all: [Table] = [
        Table(name: "users", columns: ["email_sealed", "display_name_sealed", "phone_sealed"]),
        Table(name: "totp_credentials", columns: ["secret_sealed"]),
        Table(name: "patients", columns: ["mrn_sealed", "given_name_sealed", "family_name_sealed", "birth_date_sealed",
                                          "phone_sealed", "email_sealed", "national_id_sealed", "details_sealed"], patientColumn: "id"),
        Table(name: "patient_conditions", columns: ["code_sealed", "note_sealed"], patientColumn: "patient_id"),
        Table(name: "appointments", columns: ["reason_sealed"], patientColumn: "patient_id"),
        Table(name: "medical_records", columns: ["title_sealed", "body_sealed"], patientColumn: "patient_id"),
        Table(name: "visit_notes", columns: ["body_sealed"], patientColumn: "patient_id"),
        // The per-document file keys: re-sealing them is the whole of a blob's key rotation.
        Table(name: "documents", columns: ["file_key_sealed", "filename_sealed"], patientColumn: "patient_id"),
        Table(name: "outbox_messages", columns: ["payload_sealed"]),
        Table(name: "devices", columns: ["token_sealed"]),
        Table(name: "risk_assessments", columns: ["inputs_sealed", "contributions_sealed"], patientColumn: "patient_id"),
        // Owner in `tenant_id` (nil: the platform's key), like every other table here.
        Table(name: "idempotency_records", columns: ["response_sealed"]),
        // Each patient's data key, sealed under the tenant's (issue 16).
        Table(name: "patient_keys", columns: ["key_sealed"]),
        // Added with the care and billing tables but missing here until issue 16's review: a
        // rotation that retired the old key would have left them unreadable.
        // `EncryptedColumnsCoverageTests` now compares this list with the database's columns.
        Table(name: "admissions", columns: ["reason_sealed", "summary_sealed"], patientColumn: "patient_id"),
        Table(name: "care_steps", columns: ["title_sealed", "detail_sealed"], patientColumn: "patient_id"),
        Table(name: "llm_exchanges", columns: ["prompt_sealed", "answer_sealed"], patientColumn: "patient_id"),
        Table(name: "prescription_analyses", columns: ["analysis_sealed", "text_sealed"], patientColumn: "patient_id"),
        // Accounting records stay under the tenant's key (they outlive an erasure).
        Table(name: "invoice_lines", columns: ["description_sealed"]),
        Table(name: "claims", columns: ["policy_number_sealed"]),
        Table(name: "claim_transitions", columns: ["note_sealed"]),
        Table(name: "patient_erasures", columns: ["reason_sealed"]),
    ]
}
