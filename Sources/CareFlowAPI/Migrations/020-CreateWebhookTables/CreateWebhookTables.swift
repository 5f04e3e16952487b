import Fluent

/// `webhook_events` (unique per tenant, provider and event id: the replay guard), `payments`
/// (one row per PaymentIntent) and `sms_opt_outs` (STOP / START by phone blind index).
struct CreateWebhookTables: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("webhook_events")
            .id()
            .field("tenant_id", .uuid, .required, .references("tenants", "id"))
            .field("provider", .string, .required)
            .field("event_id", .string, .required)
            .field("event_type", .string, .required)
            .field("payload_sha256", .string, .required)
            .field("received_at", .datetime)
            .unique(on: "tenant_id", "provider", "event_id")
            .create()
        try await db.schema("payments")
            .id()
            .field("tenant_id", .uuid, .required, .references("tenants", "id"))
            .field("provider", .string, .required)
            .field("provider_payment_id", .string, .required)
            .field("status", .string, .required)
            .field("amount", .int)
            .field("currency", .string)
            .field("last_event_created", .int, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "tenant_id", "provider", "provider_payment_id")
            .create()
        try await db.schema("sms_opt_outs")
            .id()
            .field("tenant_id", .uuid, .required, .references("tenants", "id"))
            .field("phone_index", .string, .required)
            .field("opted_out", .bool, .required)
            .field("updated_at", .datetime)
            .unique(on: "tenant_id", "phone_index")
            .create()
    }

    func revert(on db: any Database) async throws {
        for table in ["sms_opt_outs", "payments", "webhook_events"] { try await db.schema(table).delete() }
    }
}
