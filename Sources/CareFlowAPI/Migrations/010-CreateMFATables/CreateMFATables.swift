import Fluent

struct CreateMFATables: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("totp_credentials")
            .id()
            .field("tenant_id", .uuid, .references("tenants", "id"))
            .field("subject_id", .uuid, .required)
            .field("subject_kind", .string, .required)
            .field("secret_sealed", .string, .required)
            .field("confirmed_at", .datetime)
            .field("last_step", .int64)
            .field("created_at", .datetime)
            .unique(on: "subject_id")
            .create()
        try await SecondaryIndex.create("totp_credentials_tenant_id", on: "totp_credentials", columns: ["tenant_id"], db: db)
        try await db.schema("recovery_codes")
            .id()
            .field("tenant_id", .uuid, .references("tenants", "id"))
            .field("subject_id", .uuid, .required)
            .field("code_hash", .string, .required)
            .field("used_at", .datetime)
            .field("created_at", .datetime)
            .create()
        try await SecondaryIndex.create("recovery_codes_subject", on: "recovery_codes", columns: ["subject_id"], db: db)
        try await SecondaryIndex.create("recovery_codes_tenant_id", on: "recovery_codes", columns: ["tenant_id"], db: db)
        try await db.schema("mfa_challenges")
            .id()
            .field("tenant_id", .uuid, .references("tenants", "id"))
            .field("subject_id", .uuid, .required)
            .field("subject_kind", .string, .required)
            .field("token_hash", .string, .required)
            .field("attempts", .int, .required)
            .field("expires_at", .datetime, .required)
            .field("used_at", .datetime)
            .field("created_at", .datetime)
            .unique(on: "token_hash")
            .create()
        try await SecondaryIndex.create("mfa_challenges_tenant_id", on: "mfa_challenges", columns: ["tenant_id"], db: db)
        try await db.schema("auth_throttles")
            .id()
            .field("key", .string, .required)
            .field("failures", .int, .required)
            .field("window_started_at", .datetime, .required)
            .field("locked_until", .datetime)
            .unique(on: "key")
            .create()
    }

    func revert(on db: any Database) async throws {
        for table in ["auth_throttles", "mfa_challenges", "recovery_codes", "totp_credentials"] {
            try await db.schema(table).delete()
        }
    }
}
