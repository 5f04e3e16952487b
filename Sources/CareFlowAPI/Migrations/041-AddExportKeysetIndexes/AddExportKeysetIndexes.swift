import Fluent
import SQLKit

/// `(tenant_id, id)` on the tables exports read in keyset pages (`tenant_id = ? AND id > ?
/// ORDER BY id LIMIT 500`). With only the other indexes, SQLite chose the `(tenant_id, …)` one
/// and sorted the tenant's whole table for every page: a million-appointment export read at
/// about 500 rows a second, quadratic. With this index every page is one range read, also when
/// a facility, status or date filter narrows it. As `AddPatientListIndex` did for patients.
struct AddExportKeysetIndexes: AsyncMigration {
    static let indexes = [("appointments_tenant_keyset", "appointments"), ("invoices_tenant_keyset", "invoices"),
                          ("admissions_tenant_keyset", "admissions")]

    func prepare(on db: any Database) async throws {
        for (name, table) in Self.indexes {
            try await SecondaryIndex.create(name, on: table, columns: ["tenant_id", "id"], db: db)
        }
    }

    func revert(on db: any Database) async throws {
        guard let sql = db as? any SQLDatabase else { return }
        for (name, _) in Self.indexes { try await sql.drop(index: name).run() }
    }
}
