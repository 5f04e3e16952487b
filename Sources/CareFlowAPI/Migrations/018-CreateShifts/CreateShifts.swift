import Fluent
import SQLKit

/// Shifts. On PostgreSQL one person's shifts are kept apart by an exclusion constraint over
/// (user, time range), which needs the `btree_gist` extension for the uuid equality. The
/// extension is installed into `public` so that dropping a schema of this database (the
/// tests use one per run) never drops it from under another. Where the database role may not
/// create it, the table is created without the constraint and `ShiftService` still refuses
/// overlaps under a per-person advisory lock; a warning says so.
struct CreateShifts: AsyncMigration {
    static let constraintName = "shifts_no_overlap"

    func prepare(on db: any Database) async throws {
        try await db.schema("shifts")
            .id()
            .field("tenant_id", .uuid, .required, .references("tenants", "id"))
            .field("user_id", .uuid, .required, .references("users", "id"))
            .field("facility_id", .uuid, .required, .references("facilities", "id"))
            .field("starts_at", .datetime, .required)
            .field("ends_at", .datetime, .required)
            .field("role", .string, .required)
            .field("created_by", .uuid)
            .field("created_at", .datetime)
            .create()
        try await SecondaryIndex.create("shifts_facility_time", on: "shifts", columns: ["tenant_id", "facility_id", "starts_at"], db: db)
        try await SecondaryIndex.create("shifts_user_time", on: "shifts", columns: ["user_id", "starts_at"], db: db)
        guard let sql = db as? any SQLDatabase, sql.dialect.name == "postgresql" else { return }
        guard try await Self.ensureBtreeGist(sql) else {
            db.logger.warning("""
                btree_gist could not be installed: shifts have no exclusion constraint; overlaps are refused by the \
                application under an advisory lock only
                """)
            return
        }
        try await sql.raw("""
            ALTER TABLE shifts ADD CONSTRAINT \(ident: Self.constraintName)
            EXCLUDE USING gist (user_id WITH =, tstzrange(starts_at, ends_at) WITH &&)
            """).run()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("shifts").delete()
    }

    /// True when the extension is (now) installed. Two migrations racing to install it (parallel
    /// test runs) both end up seeing it.
    static func ensureBtreeGist(_ sql: any SQLDatabase) async throws -> Bool {
        for _ in 0..<3 {
            if try await isInstalled(sql) { return true }
            do {
                try await sql.raw("CREATE EXTENSION IF NOT EXISTS btree_gist WITH SCHEMA public").run()
                return true
            } catch {
                sql.logger.debug("CREATE EXTENSION btree_gist failed", metadata: ["error": "\(String(reflecting: error))"])
            }
        }
        return try await isInstalled(sql)
    }

    private static func isInstalled(_ sql: any SQLDatabase) async throws -> Bool {
        try await !sql.raw("SELECT 1 AS present FROM pg_extension WHERE extname = 'btree_gist'").all().isEmpty
    }
}
