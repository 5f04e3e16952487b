import Fluent

/// `outbox_messages`: the payload sealed; the worker's claim query reads
/// (status, next_attempt_at), delivery reports look rows up by provider message id.
struct CreateOutboxMessages: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("outbox_messages")
            .id()
            .field("tenant_id", .uuid, .required, .references("tenants", "id"))
            .field("capability", .string, .required)
            .field("payload_sealed", .string, .required)
            .field("status", .string, .required)
            .field("attempts", .int, .required)
            .field("next_attempt_at", .datetime, .required)
            .field("lease_until", .datetime)
            .field("provider_message_id", .string)
            .field("delivery_status", .string)
            .field("last_error", .string)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
        try await SecondaryIndex.create("outbox_due", on: "outbox_messages", columns: ["status", "next_attempt_at"], db: db)
        try await SecondaryIndex.create("outbox_provider_message", on: "outbox_messages", columns: ["tenant_id", "provider_message_id"], db: db)
    }

    func revert(on db: any Database) async throws {
        try await db.schema("outbox_messages").delete()
    }
}
