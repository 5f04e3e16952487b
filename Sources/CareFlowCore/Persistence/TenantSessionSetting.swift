import FluentKit
import Foundation
import SQLKit

/// The tenant a PostgreSQL transaction works for, as the row-level security policies read it
/// (migration 046, `EnableRowLevelSecurity`): the database's own wall behind `TenantScope`'s
/// `tenant_id` filters, so a query that forgot its filter still sees one tenant's rows only.
///
/// Set with `set_config(…, true)` (`SET LOCAL`, which takes no bind parameters): it ends with
/// the transaction, so a pooled connection never carries one tenant into the next borrower's
/// work. Outside a tenant transaction the setting is unset and the policies let everything
/// through: platform work (logins by e-mail, webhooks finding their tenant, the worker, the
/// migrations) has no tenant, and reads outside transactions stay as they were.
public enum TenantSessionSetting {
    /// The custom setting the policies compare `tenant_id` with.
    public static let name = "careflow.tenant_id"

    /// Marks the transaction `db` is in as working for `tenantID`. Nothing on SQLite, which
    /// has no row-level security (one process, one file: the application's filters are the wall).
    public static func apply(_ tenantID: UUID, on db: any Database) async throws {
        guard let sql = db as? any SQLDatabase, sql.dialect.name == "postgresql" else { return }
        try await sql.raw("SELECT set_config(\(bind: name), \(bind: tenantID.lowercasedString), true)").run()
    }
}
