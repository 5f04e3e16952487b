import Fluent

struct CreateTenants: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("tenants")
            .id()
            .field("slug", .string, .required)
            .field("name", .string, .required)
            .field("status", .string, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "slug")
            .create()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("tenants").delete()
    }
}
