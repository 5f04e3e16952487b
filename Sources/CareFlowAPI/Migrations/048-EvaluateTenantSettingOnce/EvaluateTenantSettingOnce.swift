import Fluent
import SQLKit

/// The tenant policy of every tenant table (PostgreSQL), written again with the setting read
/// once per statement (`EnableRowLevelSecurity.rule`): databases that ran migration 046 before
/// the change kept a policy that called `current_setting` twice for every row a scan filtered.
/// Same meaning, same name; the policy is dropped and created in one transaction, so no
/// statement ever sees a table without it. Nothing on SQLite.
struct EvaluateTenantSettingOnce: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.transaction { tx in
            guard let sql = tx as? any SQLDatabase, sql.dialect.name == "postgresql" else { return }
            for table in try await EnableRowLevelSecurity.tenantTables(sql) {
                try await EnableRowLevelSecurity.protect(table.name, tenantColumnType: table.type, on: sql)
            }
        }
    }

    /// Nothing to undo: the policy means what it meant before, and migration 046's revert
    /// removes it.
    func revert(on db: any Database) async throws {}
}
