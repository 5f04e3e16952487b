import Fluent
import SQLKit

/// The audit trail. Besides the hash chain, the database itself refuses UPDATE and DELETE on
/// the table (a trigger on both engines), so an edit needs a deliberate schema change first —
/// and `careflow audit verify` still catches it.
struct CreateAuditEvents: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("audit_events")
            .id()
            .field("chain", .string, .required)
            .field("seq", .int, .required)
            .field("tenant_id", .uuid, .references("tenants", "id"))
            .field("facility_id", .uuid)
            .field("actor_kind", .string, .required)
            .field("actor_id", .uuid)
            .field("action", .string, .required)
            .field("outcome", .string, .required)
            .field("target_type", .string)
            .field("target_id", .string)
            .field("request_id", .string)
            .field("ip", .string)
            .field("details", .string, .required)
            .field("occurred_at_ms", .int64, .required)
            .field("prev_hash", .string, .required)
            .field("hash", .string, .required)
            .unique(on: "chain", "seq")
            .create()
        try await SecondaryIndex.create("audit_events_tenant_id", on: "audit_events", columns: ["tenant_id"], db: db)
        guard let sql = db as? any SQLDatabase else { return }
        if sql.dialect.name == "postgresql" {
            try await sql.raw("""
                CREATE FUNCTION audit_events_append_only() RETURNS trigger AS $$
                BEGIN RAISE EXCEPTION 'audit_events is append-only'; END; $$ LANGUAGE plpgsql
                """).run()
            try await sql.raw("""
                CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events
                FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()
                """).run()
        } else {
            for op in ["UPDATE", "DELETE"] {
                try await sql.raw("""
                    CREATE TRIGGER audit_events_no_\(unsafeRaw: op.lowercased()) BEFORE \(unsafeRaw: op) ON audit_events
                    BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END
                    """).run()
            }
        }
    }

    func revert(on db: any Database) async throws {
        try await db.schema("audit_events").delete()
        if let sql = db as? any SQLDatabase, sql.dialect.name == "postgresql" {
            try await sql.raw("DROP FUNCTION IF EXISTS audit_events_append_only()").run()
        }
    }
}
