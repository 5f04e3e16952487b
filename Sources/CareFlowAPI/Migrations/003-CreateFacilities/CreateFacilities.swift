import Fluent

struct CreateFacilities: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("facilities")
            .id()
            .field("tenant_id", .uuid, .required, .references("tenants", "id"))
            .field("code", .string, .required)
            .field("name", .string, .required)
            .field("timezone", .string, .required)
            .field("active", .bool, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "tenant_id", "code")
            .create()
        try await SecondaryIndex.create("facilities_tenant_id", on: "facilities", columns: ["tenant_id"], db: db)
    }

    func revert(on db: any Database) async throws {
        try await db.schema("facilities").delete()
    }
}
