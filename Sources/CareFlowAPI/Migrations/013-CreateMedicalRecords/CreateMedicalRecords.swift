import Fluent

/// `medical_records`: title and body sealed, kind in clear. `appointment_id` is checked by the
/// service (same patient, same tenant) rather than by a foreign key, so this migration does not
/// depend on where the scheduling tables come in the list.
struct CreateMedicalRecords: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("medical_records")
            .id()
            .field("tenant_id", .uuid, .required, .references("tenants", "id"))
            .field("patient_id", .uuid, .required, .references("patients", "id"))
            .field("author_id", .uuid, .required, .references("users", "id"))
            .field("appointment_id", .uuid)
            .field("kind", .string, .required)
            .field("title_sealed", .string, .required)
            .field("body_sealed", .string, .required)
            .field("shared_with_patient", .bool, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .field("deleted_at", .datetime)
            .create()
        try await SecondaryIndex.create("medical_records_patient", on: "medical_records", columns: ["tenant_id", "patient_id", "id"], db: db)
        try await SecondaryIndex.create("medical_records_appointment", on: "medical_records", columns: ["tenant_id", "appointment_id"], db: db)
    }

    func revert(on db: any Database) async throws {
        try await db.schema("medical_records").delete()
    }
}
