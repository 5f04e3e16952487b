@testable import CareFlowAPI
@testable import CareFlowCore
import Fluent
import Foundation
import SQLKit
import Testing
import VaporTesting

/// Each metric's aggregate reads its table through an index, for a facility and tenant-wide
/// (issue 14; indexes of migration 040). As in `QueryPlanTests`, the statement a request runs is
/// recorded and explained with its binds; PostgreSQL prices out sequential scans, so the
/// question is whether an index can serve. No table is read whole and the time column of each
/// metric is matched through an index condition.
@Suite("Query plans of the analytics aggregates")
struct AnalyticsQueryPlanTests {
    static let tables: Set<String> = ["appointments", "admissions", "invoices", "invoice_refunds", "risk_assessments", "patients", "wards"]

    @Test("every metric's aggregate uses an index, per facility and tenant-wide", arguments: TestBackend.enabled)
    func aggregatesUseIndexes(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "aplans")
            let patient = try await Fixtures.patient(app, t)
            try await AnalyticsFixtures.insert(AnalyticsFixtures.appointments(t), app, t, patientID: patient)
            if backend == .postgres {
                try await (app.db as! any SQLDatabase)
                    .raw("ANALYZE appointments, admissions, invoices, invoice_refunds, risk_assessments, patients, wards").run()
            }
            let recorder = SQLRecorder()
            let ctx = RequestContext(scope: TenantScope(tenantID: t.id, db: recorder.database(app)),
                                     principal: try await app.services.auth.authenticate(bearer: t[.groupAdmin].token), origin: .none)
            // (metric, table of the aggregate, the time column that must be an index condition)
            let cases: [(AnalyticsMetric, String, String)] = [
                (.appointments, "appointments", "starts_at"), (.noShowRate, "appointments", "starts_at"),
                (.admissions, "admissions", "admitted_at"), (.discharges, "admissions", "discharged_at"),
                (.occupancy, "admissions", "admitted_at"), (.highRiskPatients, "risk_assessments", "tenant_id"),
                (.revenue, "invoices", "paid_at"), (.revenue, "invoice_refunds", "refunded_at"),
            ]
            for (metric, table, column) in cases {
                for facility in [t.f1.id!, nil] as [UUID?] {
                    let label = "\(metric.rawValue) \(facility == nil ? "tenant-wide" : "facility")"
                    recorder.reset()
                    _ = try await app.services.analytics.series(
                        metric: metric, filter: AnalyticsFilter(facilityID: facility, from: .day(CalendarDay("2026-01-01")!),
                                                                to: .day(CalendarDay("2026-04-01")!), interval: .week),
                        in: ctx, now: AnalyticsFixtures.local(4, 15))
                    let statement = try #require(recorder.lastStatement {
                        $0.hasPrefix("WITH") && ($0.contains(" \(table) ") || $0.contains("\"\(table)\""))
                    },
                                                 "\(label): no aggregate on \(table) recorded")
                    let plan = try await QueryPlan.explain(statement, backend: backend, orderFromIndex: false, on: app.db)
                    if ProcessInfo.processInfo.environment["CAREFLOW_PRINT_PLANS"] != nil { print("\(backend) · \(label)\n\(plan)") }
                    // SQLite names a table by its alias in the query; the bucket list and CTEs are no tables.
                    let scanned = plan.fullScans.filter { Self.tables.contains($0) || ["x", "y", "ra", "p"].contains($0) }
                    #expect(scanned.isEmpty, "\(label): full scan of \(scanned)\n\(plan)\n\(statement.sql)")
                    #expect(plan.indexed.contains { $0.hasSuffix(".\(column)") },
                            "\(label): \(column) not matched through an index\n\(plan)\n\(statement.sql)")
                }
            }
        }
    }
}
