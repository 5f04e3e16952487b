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
    static let tables: Set<String> = ["appointment_hour_counts", "admission_hour_events", "appointments", "admissions", "invoices", "invoice_refunds", "risk_assessments", "patients", "wards"]

    @Test("every metric's aggregate uses an index, per facility and tenant-wide", arguments: TestBackend.enabled)
    func aggregatesUseIndexes(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            // Shaped like a deployment with history, so that PostgreSQL's statistics favour a
            // range of the time column: four years of rows, a quarter of them in another tenant.
            let t = try await Fixtures.tenant(app, slug: "aplans")
            let other = try await Fixtures.tenant(app, slug: "aplans-other")
            try await Self.seedHistory(app, t, rows: 1_500)
            try await Self.seedHistory(app, other, rows: 500)
            if backend == .postgres {
                // As the tables' owner: PostgreSQL skips (with a warning) tables the application role does not own.
                try await (ownerDatabase(app) as! any SQLDatabase)
                    .raw("ANALYZE appointments, appointment_hour_counts, admissions, invoices, invoice_refunds, risk_assessments, patients, wards").run()
            }
            let recorder = SQLRecorder()
            let ctx = RequestContext(scope: TenantScope(tenantID: t.id, db: recorder.database(app)),
                                     principal: try await app.services.auth.authenticate(bearer: t[.groupAdmin].token), origin: .none)
            // (metric, table of the aggregate, a time column that must be an index condition;
            // occupancy may enter the stays from either end of the range, the risk window reads
            // the tenant's history in index order)
            // Appointments in a whole-hour zone (this tenant's is UTC) come from the hourly counts
            // of migration 042; the rows themselves answer other zones (`.appointments` forces it).
            let cases: [(AnalyticsMetric, String, Set<String>, AppointmentCountSource)] = [
                (.appointments, "appointment_hour_counts", ["hour_start"], .automatic),
                (.noShowRate, "appointment_hour_counts", ["hour_start"], .automatic),
                (.appointments, "appointments", ["starts_at"], .appointments), (.noShowRate, "appointments", ["starts_at"], .appointments),
                (.admissions, "admissions", ["admitted_at"], .automatic), (.discharges, "admissions", ["discharged_at"], .automatic),
                (.occupancy, "admissions", ["admitted_at", "discharged_at"], .automatic),
                (.highRiskPatients, "risk_assessments", ["tenant_id"], .automatic),
                (.revenue, "invoices", ["paid_at"], .automatic), (.revenue, "invoice_refunds", ["refunded_at"], .automatic),
            ]
            for (metric, table, columns, source) in cases {
                let analytics = AnalyticsService(guardian: app.services.guardian, audit: app.services.audit, tenants: app.services.tenants,
                                                 appointmentSource: source)
                for facility in [t.f1.id!, nil] as [UUID?] {
                    let label = "\(metric.rawValue) \(facility == nil ? "tenant-wide" : "facility") from \(table)"
                    recorder.reset()
                    _ = try await analytics.series(
                        metric: metric, filter: AnalyticsFilter(facilityID: facility, from: .day(CalendarDay("2026-01-01")!),
                                                                to: .day(CalendarDay("2026-04-01")!), interval: .week),
                        in: ctx, now: AnalyticsFixtures.local(4, 15))
                    let statement = try #require(recorder.lastStatement {
                        $0.contains(" AS bucket") && ($0.contains(" \(table) ") || $0.contains("\"\(table)\""))
                    },
                                                 "\(label): no aggregate on \(table) recorded")
                    let plan = try await QueryPlan.explain(statement, backend: backend, orderFromIndex: false, on: app.db)
                    if ProcessInfo.processInfo.environment["CAREFLOW_PRINT_PLANS"] != nil { print("\(backend) · \(label)\n\(plan)") }
                    // SQLite names a table by its alias in the query; the bucket list and CTEs are no tables.
                    let scanned = plan.fullScans.filter { Self.tables.contains($0) || ["x", "y", "ra", "p"].contains($0) }
                    #expect(scanned.isEmpty, "\(label): full scan of \(scanned)\n\(plan)\n\(statement.sql)")
                    #expect(plan.indexed.contains { columns.contains(String($0.split(separator: ".").last ?? "")) },
                            "\(label): \(columns) not matched through an index\n\(plan)\n\(statement.sql)")
                }
            }
        }
    }

    /// `rows` appointments, admissions, paid invoices with a refund each, and risk assessments,
    /// one every ~23 hours from 2023 on, alternating between the two facilities.
    static func seedHistory(_ app: Application, _ t: TestTenant, rows: Int) async throws {
        let patient = try await AnalyticsFixtures.patient(app, t, home: t.f1.id!, name: "History")
        let wards = [try await AnalyticsFixtures.ward(app, t, facility: t.f1.id!, name: "H1", beds: 20),
                     try await AnalyticsFixtures.ward(app, t, facility: t.f2.id!, name: "H2", beds: 20)]
        let cipher = try await app.services.keyring.cipher(forTenant: t.id, on: app.db)
        let reason = try cipher.seal("observation")
        let start = AnalyticsFixtures.local(1, 1, year: 2023)
        var appointments: [Appointment] = [], admissions: [Admission] = [], invoices: [Invoice] = []
        var risks: [RiskAssessment] = []
        for i in 0..<rows {
            let at = start.addingTimeInterval(Double(i) * 23 * 3_600)
            let facility = i % 2 == 0 ? t.f1.id! : t.f2.id!
            appointments.append(Appointment(tenantID: t.id, facilityID: facility, doctorID: t[.doctor].id, patientID: patient, startsAt: at,
                                            endsAt: at.addingTimeInterval(1_800), status: Appointment.Status.allCases[i % 5], bookedBy: nil))
            let admission = Admission()
            (admission.tenantID, admission.facilityID, admission.wardID, admission.patientID) = (t.id, facility, wards[i % 2], patient)
            (admission.bed, admission.status, admission.admittedAt) = (i % 20 + 1, .discharged, at)
            (admission.dischargedAt, admission.reasonSealed) = (at.addingTimeInterval(20 * 3_600), reason)
            admissions.append(admission)
            let invoice = Invoice()
            (invoice.id, invoice.tenantID, invoice.facilityID, invoice.patientID) = (UUID(), t.id, facility, patient)
            (invoice.status, invoice.currency, invoice.subtotal, invoice.tax, invoice.total) = (.paid, "eur", 1_000, 0, 1_000)
            (invoice.amountPaid, invoice.amountRefunded, invoice.paidAt, invoice.createdAt) = (1_000, 0, at, at)
            invoices.append(invoice)
            risks.append(RiskAssessment(id: TimeOrderedID.make(), tenantID: t.id, patientID: patient, model: "m\(i % 3)", modelVersion: 1,
                                        riskScore: 0.5, riskLevel: i % 4 == 0 ? .high : .low, extrapolated: false,
                                        inputsSealed: try cipher.seal([:]), contributionsSealed: try cipher.seal([:]),
                                        createdBy: t[.doctor].id))
        }
        for chunk in stride(from: 0, to: rows, by: 500) {
            let range = chunk..<min(chunk + 500, rows)
            try await Array(appointments[range]).create(on: app.db)
            try await Array(admissions[range]).create(on: app.db)
            try await Array(invoices[range]).create(on: app.db)
            try await Array(risks[range]).create(on: app.db)
            var refunds: [InvoiceRefund] = []
            for invoice in invoices[range] {
                let refund = InvoiceRefund()
                (refund.tenantID, refund.invoiceID, refund.facilityID, refund.amount) = (t.id, invoice.id!, invoice.facilityID, 100)
                (refund.currency, refund.status, refund.refundedAt) = ("eur", "succeeded", invoice.paidAt!.addingTimeInterval(3_600))
                refunds.append(refund)
            }
            try await refunds.create(on: app.db)
        }
    }
}
