import Fluent

/// Issue 13, reminders: `reminder_deliveries`, the ledger of every reminder sent, unique per
/// (tenant, reminder key) so each one goes out once whatever the number of workers; and
/// `patients.notification_channels`, the patient's chosen channels (null: SMS when a phone is
/// known). Appointments already have their `confirmed` status. One column per ALTER TABLE
/// statement: SQLite adds a single column at a time.
struct CreateReminderDeliveries: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("reminder_deliveries")
            .id()
            .field("tenant_id", .uuid, .required, .references("tenants", "id"))
            .field("reminder_key", .string, .required)
            .field("kind", .string, .required)
            .field("subject_id", .uuid, .required)
            .field("scheduled_at", .datetime, .required)
            .field("sent_at", .datetime, .required)
            .field("outbox_message_ids", .string, .required)
            .field("created_at", .datetime)
            .unique(on: "tenant_id", "reminder_key")
            .create()
        // The scheduler asks for the last reminder of one step or appointment.
        try await SecondaryIndex.create("reminder_deliveries_subject", on: "reminder_deliveries",
                                        columns: ["tenant_id", "subject_id", "scheduled_at"], db: db)
        try await db.schema("patients").field("notification_channels", .string).update()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("patients").deleteField("notification_channels").update()
        try await db.schema("reminder_deliveries").delete()
    }
}
