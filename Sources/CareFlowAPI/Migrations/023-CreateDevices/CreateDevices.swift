import Fluent

/// `devices`: push registrations, the token sealed and unique per tenant by its blind index; the
/// push path reads a user's devices by (tenant_id, user_id).
struct CreateDevices: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("devices")
            .id()
            .field("tenant_id", .uuid, .required, .references("tenants", "id"))
            .field("user_id", .uuid, .required, .references("users", "id"))
            .field("platform", .string, .required)
            .field("token_sealed", .string, .required)
            .field("token_index", .string, .required)
            .field("dead_at", .datetime)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "tenant_id", "token_index")
            .create()
        try await SecondaryIndex.create("devices_user", on: "devices", columns: ["tenant_id", "user_id"], db: db)
    }

    func revert(on db: any Database) async throws {
        try await db.schema("devices").delete()
    }
}
