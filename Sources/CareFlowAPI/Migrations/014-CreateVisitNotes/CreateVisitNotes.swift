import Fluent

/// `visit_notes`: the body sealed. `appointment_id` is checked by the service (see
/// `CreateMedicalRecords`).
struct CreateVisitNotes: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("visit_notes")
            .id()
            .field("tenant_id", .uuid, .required, .references("tenants", "id"))
            .field("patient_id", .uuid, .required, .references("patients", "id"))
            .field("author_id", .uuid, .required, .references("users", "id"))
            .field("appointment_id", .uuid)
            .field("body_sealed", .string, .required)
            .field("shared_with_patient", .bool, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .field("deleted_at", .datetime)
            .create()
        try await SecondaryIndex.create("visit_notes_patient", on: "visit_notes", columns: ["tenant_id", "patient_id", "id"], db: db)
        try await SecondaryIndex.create("visit_notes_appointment", on: "visit_notes", columns: ["tenant_id", "appointment_id"], db: db)
    }

    func revert(on db: any Database) async throws {
        try await db.schema("visit_notes").delete()
    }
}
