@testable import CareFlowAPI
@testable import CareFlowCore
import Fluent
import Foundation
import Testing
import VaporTesting

/// `GET /api/v1/exports/analytics.csv` and `.pdf`: the analytics series of a metric as a file,
/// with `export.run` where it reaches; numbers checked against admissions seeded on known days.
@Suite("Analytics exports")
struct AnalyticsExportTests {
    @Test("admissions per day as CSV and PDF; audited with the row count; scope rules", arguments: TestBackend.enabled)
    func admissionsPerDay(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "exp-an")
            let aline = try await Fixtures.patient(app, t)
            let jean = try await ExportFixtures.patient(app, t, given: "Jean", family: "Habimana", facility: t.f1)
            let eric = try await ExportFixtures.patient(app, t, given: "Eric", family: "Mugisha", facility: t.f1)
            let ward = try await ExportFixtures.ward(app, t, facility: t.f1)
            let march1 = Date(timeIntervalSince1970: 1_772_323_200) // 2026-03-01T00:00:00Z
            // Two admissions on 1 March, one on 2 March, none on 3 March (the test tenant's zone is UTC).
            try await ExportFixtures.admission(app, t, patient: aline, ward: ward, bed: 1, admittedAt: march1.addingTimeInterval(3_600),
                                               dischargedAt: march1.addingTimeInterval(7_200))
            try await ExportFixtures.admission(app, t, patient: jean, ward: ward, bed: 2, admittedAt: march1.addingTimeInterval(50_000))
            try await ExportFixtures.admission(app, t, patient: eric, ward: ward, bed: 3, admittedAt: march1.addingTimeInterval(86_400 + 60))
            let query = "metric=admissions&from=2026-03-01&to=2026-03-04&interval=day"

            let csv = try await app.send(.GET, "/api/v1/exports/analytics.csv?\(query)", token: t[.groupAdmin].token)
            #expect(csv.status == .ok, "\(csv.text)")
            let (header, rows) = ExportFixtures.table(csv.text)
            #expect(header == ["start", "end", "count"])
            let byDay = Dictionary(uniqueKeysWithValues: rows.compactMap { row in row["start"].map { ($0, row["count"] ?? "") } })
            #expect(byDay["2026-03-01T00:00:00Z"] == "2" && byDay["2026-03-02T00:00:00Z"] == "1" && byDay["2026-03-03T00:00:00Z"] == "0",
                    "\(byDay)")
            let completed = try #require(try await ExportFixtures.lastAudit(app, .exportCompleted))
            #expect(completed.details["dataset"] == "analytics" && completed.details["filter.metric"] == "admissions")
            #expect(completed.details["row_count"] == String(rows.count))

            let pdf = try await app.send(.GET, "/api/v1/exports/analytics.pdf?\(query)", token: t[.groupAdmin].token)
            #expect(pdf.status == .ok && pdf.headers.contentType == .pdf)
            if let (text, title) = try await ExportFixtures.pdfText(pdf.body) {
                #expect(title == "Analytics: admissions")
                #expect(text.contains("Analytics: admissions") && text.contains("2026-03-01T00:00:00Z") && text.contains("2026-03-02T00:00:00Z"))
                #expect(text.contains("count"))
            }

            // A facility admin exports their facility's series, not the tenant's; billing may not export admissions analytics.
            let facility = try await app.send(.GET, "/api/v1/exports/analytics.csv?\(query)&facility_id=\(t.f1.id!)", token: t[.facilityAdmin].token)
            #expect(facility.status == .ok)
            #expect(try await app.send(.GET, "/api/v1/exports/analytics.csv?\(query)", token: t[.facilityAdmin].token).status == .forbidden)
            #expect(try await app.send(.GET, "/api/v1/exports/analytics.csv?\(query)&facility_id=\(t.f1.id!)",
                                       token: t[.billing].token).status == .forbidden)
            let missing = try await app.send(.GET, "/api/v1/exports/analytics.csv?from=2026-03-01", token: t[.groupAdmin].token)
            #expect(missing.status == .unprocessableEntity && missing.text.contains("metric"))
        }
    }
}
