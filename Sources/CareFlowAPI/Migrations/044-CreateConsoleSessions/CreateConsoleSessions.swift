import Fluent

/// Issue 15, admin console: `console_sessions`, a browser's signed-in session (the cookie's
/// token digest, the login session it rides on, its CSRF token and its limits).
struct CreateConsoleSessions: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("console_sessions")
            .id()
            .field("tenant_id", .uuid, .required, .references("tenants", "id"))
            .field("token_hash", .string, .required)
            .field("auth_session_id", .uuid, .required, .references("auth_sessions", "id"))
            .field("csrf_token", .string, .required)
            .field("amr", .string, .required)
            .field("idle_expires_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .field("created_at", .datetime)
            .unique(on: "token_hash")
            .create()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("console_sessions").delete()
    }
}
