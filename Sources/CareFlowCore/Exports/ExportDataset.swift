/// What an export holds. The raw value is the file's base name (`appointments.csv`) and the
/// `dataset` recorded in the audit trail.
public enum ExportDataset: String, Sendable, CaseIterable {
    case patients, appointments, invoices, admissions, analytics
}
