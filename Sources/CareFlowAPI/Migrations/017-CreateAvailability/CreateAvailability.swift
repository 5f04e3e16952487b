import Fluent

/// Doctors' weekly schedules and their exceptions (leave, holidays).
struct CreateAvailability: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("doctor_availability")
            .id()
            .field("tenant_id", .uuid, .required, .references("tenants", "id"))
            .field("doctor_id", .uuid, .required, .references("users", "id"))
            .field("facility_id", .uuid, .required, .references("facilities", "id"))
            .field("weekday", .int, .required)
            .field("start_minute", .int, .required)
            .field("end_minute", .int, .required)
            .field("slot_minutes", .int, .required)
            .create()
        try await SecondaryIndex.create("doctor_availability_doctor", on: "doctor_availability",
                                        columns: ["tenant_id", "doctor_id", "facility_id", "weekday"], db: db)
        try await db.schema("availability_exceptions")
            .id()
            .field("tenant_id", .uuid, .required, .references("tenants", "id"))
            .field("doctor_id", .uuid, .required, .references("users", "id"))
            .field("facility_id", .uuid, .references("facilities", "id"))
            .field("starts_at", .datetime, .required)
            .field("ends_at", .datetime, .required)
            .field("reason", .string, .required)
            .field("created_by", .uuid)
            .field("created_at", .datetime)
            .create()
        try await SecondaryIndex.create("availability_exceptions_doctor", on: "availability_exceptions",
                                        columns: ["tenant_id", "doctor_id", "starts_at"], db: db)
    }

    func revert(on db: any Database) async throws {
        try await db.schema("availability_exceptions").delete()
        try await db.schema("doctor_availability").delete()
    }
}
