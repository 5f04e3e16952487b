import Fluent
import SQLKit

/// Indexes for the analytics aggregates (issue 14, `AnalyticsQueries`): every metric counts or
/// sums one range of its time column per bucket, for a facility or for the whole tenant.
/// Appointments carry their status in the index, so counting by status reads the index alone
/// (an index-only scan on PostgreSQL, a covering index on SQLite) over a million rows. The
/// tenant-wide variants exist because the facility indexes cannot range over time without a
/// facility. A risk assessment's history per (patient, model) in time order lets the "latest
/// as of" window read in index order instead of sorting. `QueryPlanTests` checks each plan.
struct AddAnalyticsIndexes: AsyncMigration {
    static let indexes: [(name: String, table: String, columns: [String])] = [
        ("appointments_analytics_facility", "appointments", ["tenant_id", "facility_id", "starts_at", "status"]),
        ("appointments_analytics_tenant", "appointments", ["tenant_id", "starts_at", "status"]),
        ("admissions_tenant_admitted", "admissions", ["tenant_id", "admitted_at"]),
        ("admissions_tenant_discharged", "admissions", ["tenant_id", "discharged_at"]),
        ("invoices_tenant_paid", "invoices", ["tenant_id", "paid_at"]),
        ("invoice_refunds_tenant", "invoice_refunds", ["tenant_id", "refunded_at"]),
        ("risk_assessments_history", "risk_assessments", ["tenant_id", "patient_id", "model", "created_at", "id"]),
    ]

    func prepare(on db: any Database) async throws {
        for index in Self.indexes {
            try await SecondaryIndex.create(index.name, on: index.table, columns: index.columns, db: db)
        }
    }

    func revert(on db: any Database) async throws {
        guard let sql = db as? any SQLDatabase else { return }
        for index in Self.indexes { try await sql.drop(index: index.name).run() }
    }
}
