import Fluent
import SQLKit

/// The tenant policy of every tenant table (PostgreSQL), written again with the setting read
/// once per statement (`EnableRowLevelSecurity.rule`): databases that ran migration 046 before
/// the change kept a policy that called `current_setting` twice for every row a scan filtered.
/// Same meaning, same name; the policy is dropped and created in one transaction, so no
/// statement ever sees a table without it. Only policies still in the old form are written: a
/// database migrated from scratch got the new one from 046, and rewriting ~40 policies on every
/// fresh schema (each PostgreSQL test app migrates its own) is start-up work for nothing.
/// Nothing on SQLite.
struct EvaluateTenantSettingOnce: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.transaction { tx in
            guard let sql = tx as? any SQLDatabase, sql.dialect.name == "postgresql" else { return }
            for table in try await Self.oldPolicies(sql) {
                try await EnableRowLevelSecurity.protect(table.name, tenantColumnType: table.type, on: sql)
            }
        }
    }

    /// Tenant tables whose policy reads the setting per row (no subquery in its condition).
    static func oldPolicies(_ sql: any SQLDatabase) async throws -> [EnableRowLevelSecurity.TenantTable] {
        try await sql.raw("""
            SELECT c.table_name AS name, c.data_type AS type
            FROM pg_policies p
            JOIN information_schema.columns c
                ON c.table_schema = p.schemaname AND c.table_name = p.tablename AND c.column_name = 'tenant_id'
            WHERE p.schemaname = current_schema() AND p.policyname = \(bind: EnableRowLevelSecurity.policy)
                AND p.qual NOT LIKE '%SELECT%'
            ORDER BY c.table_name
            """).all(decoding: EnableRowLevelSecurity.TenantTable.self)
    }

    /// Nothing to undo: the policy means what it meant before, and migration 046's revert
    /// removes it.
    func revert(on db: any Database) async throws {}
}
