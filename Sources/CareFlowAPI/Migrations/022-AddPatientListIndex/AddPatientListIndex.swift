import Fluent
import SQLKit

/// `(tenant_id, id)` on `patients`: the list pages in id order within a tenant. With only
/// `tenant_id` indexed, SQLite sorted the tenant's whole table for every page (a 1 s page at
/// 50,000 patients a tenant); with this index it walks the first rows in order.
struct AddPatientListIndex: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await SecondaryIndex.create("patients_tenant_order", on: "patients", columns: ["tenant_id", "id"], db: db)
    }

    func revert(on db: any Database) async throws {
        guard let sql = db as? any SQLDatabase else { return }
        try await sql.drop(index: "patients_tenant_order").run()
    }
}
