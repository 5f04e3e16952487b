import Fluent
import SQLKit

/// Appointments. Double-booking is refused by the database itself: a partial unique index over
/// (doctor, start) for live appointments, on SQLite and PostgreSQL alike.
struct CreateAppointments: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("appointments")
            .id()
            .field("tenant_id", .uuid, .required, .references("tenants", "id"))
            .field("facility_id", .uuid, .required, .references("facilities", "id"))
            .field("doctor_id", .uuid, .required, .references("users", "id"))
            .field("patient_id", .uuid, .required, .references("patients", "id"))
            .field("starts_at", .datetime, .required)
            .field("ends_at", .datetime, .required)
            .field("status", .string, .required)
            .field("reason_sealed", .string)
            .field("booked_by", .uuid)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
        try await SecondaryIndex.create("appointments_tenant_id", on: "appointments", columns: ["tenant_id"], db: db)
        try await SecondaryIndex.create("appointments_patient", on: "appointments", columns: ["tenant_id", "patient_id"], db: db)
        try await SecondaryIndex.create("appointments_facility_day", on: "appointments", columns: ["tenant_id", "facility_id", "starts_at"], db: db)
        guard let sql = db as? any SQLDatabase else { return }
        try await sql.raw("""
            CREATE UNIQUE INDEX appointments_no_double_booking ON appointments (doctor_id, starts_at)
            WHERE status IN ('booked', 'confirmed')
            """).run()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("appointments").delete()
    }
}
