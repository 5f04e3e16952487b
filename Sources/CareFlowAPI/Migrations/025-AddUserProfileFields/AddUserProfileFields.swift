import Fluent

/// The account holder's own settings (`PATCH /api/v1/me`). One column per statement: SQLite's
/// ALTER TABLE adds a single column at a time.
struct AddUserProfileFields: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("users").field("phone_sealed", .string).update()
        try await db.schema("users").field("locale", .string).update()
        try await db.schema("users").field("notification_channels", .string).update()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("users").deleteField("notification_channels").update()
        try await db.schema("users").deleteField("locale").update()
        try await db.schema("users").deleteField("phone_sealed").update()
    }
}
