import Fluent

struct CreateRoleAssignments: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("role_assignments")
            .id()
            .field("tenant_id", .uuid, .required, .references("tenants", "id"))
            .field("user_id", .uuid, .required, .references("users", "id"))
            .field("role", .string, .required)
            .field("facility_id", .uuid, .references("facilities", "id"))
            .field("granted_by", .uuid)
            .field("created_at", .datetime)
            .unique(on: "user_id", "role", "facility_id")
            .create()
        try await SecondaryIndex.create("role_assignments_tenant_id", on: "role_assignments", columns: ["tenant_id"], db: db)
        try await SecondaryIndex.create("role_assignments_facility", on: "role_assignments", columns: ["tenant_id", "facility_id"], db: db)
    }

    func revert(on db: any Database) async throws {
        try await db.schema("role_assignments").delete()
    }
}
