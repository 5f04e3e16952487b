import Fluent

struct CreateWrappedKeys: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("wrapped_keys")
            .id()
            .field("owner", .string, .required)
            .field("purpose", .string, .required)
            .field("version", .int, .required)
            .field("wrapped", .string, .required)
            .field("status", .string, .required)
            .field("created_at", .datetime)
            .unique(on: "owner", "purpose", "version")
            .create()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("wrapped_keys").delete()
    }
}
