import CareFlowCore
import Fluent
import SQLKit

/// Audit events committed with their change and not yet linked into their chain
/// (`AuditStagedEvent`). Rows live for the milliseconds until the chain's writer links them
/// (deleting them in the same transaction), longer only after a crash. Read by chain, oldest
/// first. A tenant table: on PostgreSQL it gets the tenant policy of row-level security.
struct CreateAuditStagedEvents: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.transaction { tx in
            try await tx.schema(AuditStagedEvent.schema)
                .id()
                .field("chain", .string, .required)
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
                .create()
            try await SecondaryIndex.create("audit_staged_events_chain", on: AuditStagedEvent.schema,
                                            columns: ["chain", "occurred_at_ms"], db: tx)
            guard let sql = tx as? any SQLDatabase, sql.dialect.name == "postgresql" else { return }
            try await EnableRowLevelSecurity.protect(AuditStagedEvent.schema, on: sql)
        }
    }

    func revert(on db: any Database) async throws {
        try await db.schema(AuditStagedEvent.schema).delete()
    }
}
