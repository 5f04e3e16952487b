import Fluent

struct CreateInvitations: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("invitations")
            .id()
            .field("tenant_id", .uuid, .required, .references("tenants", "id"))
            .field("user_id", .uuid, .required, .references("users", "id"))
            .field("facility_id", .uuid, .references("facilities", "id"))
            .field("token_hash", .string, .required)
            .field("purpose", .string, .required)
            .field("invited_by", .uuid)
            .field("expires_at", .datetime, .required)
            .field("accepted_at", .datetime)
            .field("created_at", .datetime)
            .unique(on: "token_hash")
            .create()
        try await SecondaryIndex.create("invitations_tenant_id", on: "invitations", columns: ["tenant_id"], db: db)
    }

    func revert(on db: any Database) async throws {
        try await db.schema("invitations").delete()
    }
}
