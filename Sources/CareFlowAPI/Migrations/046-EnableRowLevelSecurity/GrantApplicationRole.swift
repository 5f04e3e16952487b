import Fluent
import SQLKit

/// When migrations run as the tables' owner (`DATABASE_MIGRATION_URL`) and the application
/// connects as another role (`DATABASE_URL`), that role may read and write rows but owns
/// nothing and can change no schema: row-level security, forced on the owner too, then holds
/// for it as long as it has neither `SUPERUSER` nor `BYPASSRLS`.
///
/// Added by `configure` only when the two roles differ, after every other migration. Default
/// privileges cover the tables later migrations create (as the same owner). Deployed databases
/// record it by name: it runs once, when a second role is first configured; a later change of
/// application role is granted by hand (README, "Row-level security").
struct GrantApplicationRole: AsyncMigration {
    let role: String

    func prepare(on db: any Database) async throws {
        guard let sql = db as? any SQLDatabase, sql.dialect.name == "postgresql" else { return }
        let schema = try await Self.currentSchema(sql)
        try await sql.raw("GRANT USAGE ON SCHEMA \(ident: schema) TO \(ident: role)").run()
        try await sql.raw("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA \(ident: schema) TO \(ident: role)").run()
        try await sql.raw("GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA \(ident: schema) TO \(ident: role)").run()
        try await sql.raw("""
            ALTER DEFAULT PRIVILEGES IN SCHEMA \(ident: schema) GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO \(ident: role)
            """).run()
        try await sql.raw("""
            ALTER DEFAULT PRIVILEGES IN SCHEMA \(ident: schema) GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO \(ident: role)
            """).run()
        // Which migrations ran is the owner's record, not the application's to change.
        try await sql.raw("REVOKE INSERT, UPDATE, DELETE ON \(ident: "_fluent_migrations") FROM \(ident: role)").run()
    }

    func revert(on db: any Database) async throws {
        guard let sql = db as? any SQLDatabase, sql.dialect.name == "postgresql" else { return }
        let schema = try await Self.currentSchema(sql)
        try await sql.raw("""
            ALTER DEFAULT PRIVILEGES IN SCHEMA \(ident: schema) REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLES FROM \(ident: role)
            """).run()
        try await sql.raw("""
            ALTER DEFAULT PRIVILEGES IN SCHEMA \(ident: schema) REVOKE USAGE, SELECT, UPDATE ON SEQUENCES FROM \(ident: role)
            """).run()
        try await sql.raw("REVOKE ALL ON ALL TABLES IN SCHEMA \(ident: schema) FROM \(ident: role)").run()
        try await sql.raw("REVOKE ALL ON ALL SEQUENCES IN SCHEMA \(ident: schema) FROM \(ident: role)").run()
        try await sql.raw("REVOKE USAGE ON SCHEMA \(ident: schema) FROM \(ident: role)").run()
    }

    private struct Schema: Decodable { let name: String }

    private static func currentSchema(_ sql: any SQLDatabase) async throws -> String {
        guard let row = try await sql.raw("SELECT current_schema() AS name").first(decoding: Schema.self) else {
            throw DatabaseSchemaUnknown()
        }
        return row.name
    }

    struct DatabaseSchemaUnknown: Error, CustomStringConvertible {
        var description: String { "PostgreSQL reported no current schema (search_path names no existing schema)" }
    }
}
