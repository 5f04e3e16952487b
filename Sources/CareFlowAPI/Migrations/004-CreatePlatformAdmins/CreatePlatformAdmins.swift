import Fluent

struct CreatePlatformAdmins: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("platform_admins")
            .id()
            .field("email", .string, .required)
            .field("password_hash", .string, .required)
            .field("active", .bool, .required)
            .field("created_at", .datetime)
            .unique(on: "email")
            .create()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("platform_admins").delete()
    }
}
