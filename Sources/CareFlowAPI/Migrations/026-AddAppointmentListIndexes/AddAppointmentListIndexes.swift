import Fluent
import SQLKit

/// Appointment lists by doctor and by patient page in (starts_at, id) order within a tenant.
/// The doctor's only index was the partial double-booking one, which a query with bound status
/// values cannot use, so a doctor's list read the tenant's whole table and sorted it; a
/// patient's list (tenant_id, patient_id) sorted its matches and lost to the facility index on
/// SQLite. With the order columns in the index, the filter, the range of a view and the order
/// are all read from it (`QueryPlanTests`).
struct AddAppointmentListIndexes: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await SecondaryIndex.create("appointments_doctor_time", on: "appointments",
                                        columns: ["tenant_id", "doctor_id", "starts_at", "id"], db: db)
        try await SecondaryIndex.create("appointments_patient_time", on: "appointments",
                                        columns: ["tenant_id", "patient_id", "starts_at", "id"], db: db)
    }

    func revert(on db: any Database) async throws {
        guard let sql = db as? any SQLDatabase else { return }
        try await sql.drop(index: "appointments_doctor_time").run()
        try await sql.drop(index: "appointments_patient_time").run()
    }
}
