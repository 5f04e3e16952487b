import Fluent

/// `care_steps` and `care_step_checkins` (issue 13). Titles and details sealed; the schedule in
/// clear for the reminder scheduler, which scans open plan steps by (tenant, status, kind);
/// a patient's steps are listed by (tenant, patient, status). `(step_id, day)` is unique, so a
/// day is checked in once even when the app and an SMS reply race.
struct CreateCareSteps: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("care_steps")
            .id()
            .field("tenant_id", .uuid, .required, .references("tenants", "id"))
            .field("patient_id", .uuid, .required, .references("patients", "id"))
            .field("note_id", .uuid, .required, .references("visit_notes", "id"))
            .field("kind", .string, .required)
            .field("title_sealed", .string, .required)
            .field("detail_sealed", .string)
            .field("times_per_day", .int)
            .field("clocks", .string)
            .field("first_day", .string)
            .field("duration_days", .int)
            .field("time_zone", .string, .required)
            .field("status", .string, .required)
            .field("superseded_by", .uuid)
            .field("source", .string, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
        try await SecondaryIndex.create("care_steps_patient", on: "care_steps", columns: ["tenant_id", "patient_id", "status"], db: db)
        try await SecondaryIndex.create("care_steps_open_kind", on: "care_steps", columns: ["tenant_id", "status", "kind"], db: db)
        try await SecondaryIndex.create("care_steps_note", on: "care_steps", columns: ["tenant_id", "note_id"], db: db)

        try await db.schema("care_step_checkins")
            .id()
            .field("tenant_id", .uuid, .required, .references("tenants", "id"))
            .field("step_id", .uuid, .required, .references("care_steps", "id"))
            .field("patient_id", .uuid, .required, .references("patients", "id"))
            .field("day", .string, .required)
            .field("checked_in_at", .datetime, .required)
            .field("channel", .string, .required)
            .field("actor_id", .uuid)
            .unique(on: "step_id", "day")
            .create()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("care_step_checkins").delete()
        try await db.schema("care_steps").delete()
    }
}
