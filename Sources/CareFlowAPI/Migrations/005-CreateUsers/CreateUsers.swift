import Fluent

struct CreateUsers: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("users")
            .id()
            .field("tenant_id", .uuid, .required, .references("tenants", "id"))
            .field("email_sealed", .string, .required)
            .field("email_index", .string, .required)
            .field("display_name_sealed", .string)
            .field("password_hash", .string)
            .field("status", .string, .required)
            .field("last_login_at", .datetime)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "tenant_id", "email_index")
            .create()
        try await SecondaryIndex.create("users_tenant_id", on: "users", columns: ["tenant_id"], db: db)
    }

    func revert(on db: any Database) async throws {
        try await db.schema("users").delete()
    }
}
