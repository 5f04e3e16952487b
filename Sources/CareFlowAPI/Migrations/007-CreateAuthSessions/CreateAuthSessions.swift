import Fluent

struct CreateAuthSessions: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("auth_sessions")
            .id()
            .field("tenant_id", .uuid, .references("tenants", "id"))
            .field("subject_id", .uuid, .required)
            .field("subject_kind", .string, .required)
            .field("amr", .string, .required)
            .field("enrolment_only", .bool, .required)
            .field("revoked_at", .datetime)
            .field("revoked_reason", .string)
            .field("expires_at", .datetime, .required)
            .field("created_at", .datetime)
            .create()
        try await SecondaryIndex.create("auth_sessions_tenant_id", on: "auth_sessions", columns: ["tenant_id"], db: db)
        try await SecondaryIndex.create("auth_sessions_subject", on: "auth_sessions", columns: ["subject_id"], db: db)
        try await db.schema("refresh_tokens")
            .id()
            .field("session_id", .uuid, .required, .references("auth_sessions", "id"))
            .field("token_hash", .string, .required)
            .field("used_at", .datetime)
            .field("expires_at", .datetime, .required)
            .field("created_at", .datetime)
            .unique(on: "token_hash")
            .create()
        try await SecondaryIndex.create("refresh_tokens_session", on: "refresh_tokens", columns: ["session_id"], db: db)
    }

    func revert(on db: any Database) async throws {
        try await db.schema("refresh_tokens").delete()
        try await db.schema("auth_sessions").delete()
    }
}
