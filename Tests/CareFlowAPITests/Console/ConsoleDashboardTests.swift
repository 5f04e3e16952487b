@testable import CareFlowAPI
@testable import CareFlowCore
import Fluent
import Foundation
import Testing
import VaporTesting

/// Issue 15's dashboard: the numbers under each chart are those of `GET /api/v1/analytics/{metric}`
/// for the same filter (both parsed here), the facility picker and the charts follow the
/// caller's reach exactly as the API does, and the page holds SVG charts and no inline style.
@Suite("Console dashboard")
struct ConsoleDashboardTests {
    typealias F = AnalyticsFixtures

    /// The API fields each table holds, per metric.
    static let keys: [String: [String]] = [
        "admissions": ["count"],
        "occupancy": ["beds", "average_occupied_beds", "occupancy"],
        "appointments": Appointment.Status.allCases.map(\.rawValue) + ["total"],
        "no_show_rate": ["no_show", "completed", "rate"],
    ]

    /// March 2026 in Berlin: appointments of every status in both facilities, stays in two
    /// wards, paid invoices in two currencies and a refund.
    private func seed(_ app: Application, _ t: TestTenant) async throws {
        try F.useBerlin(app, t)
        try await F.insert(F.appointments(t), app, t, patientID: try await Fixtures.patient(app, t))
        let (f1, f2) = (t.f1.id!, t.f2.id!)
        let w1 = try await F.ward(app, t, facility: f1, name: "W1", beds: 10)
        let w2 = try await F.ward(app, t, facility: f2, name: "W2", beds: 4)
        let p1 = try await F.patient(app, t, home: f1, name: "A")
        let p2 = try await F.patient(app, t, home: f2, name: "B")
        _ = try await F.admit(app, t, ward: w1, facility: f1, bed: 1, patient: p1, at: F.local(3, 3, 9), until: F.local(3, 5, 12))
        _ = try await F.admit(app, t, ward: w1, facility: f1, bed: 2, patient: p2, at: F.local(3, 28, 22), until: F.local(3, 29, 4))
        _ = try await F.admit(app, t, ward: w2, facility: f2, bed: 1, patient: p2, at: F.local(3, 10), until: nil)
        let eur = try await F.invoice(app, t, facility: f1, patient: p1, currency: "eur", paid: 10_000, at: F.local(3, 2, 10))
        _ = try await F.invoice(app, t, facility: f1, patient: p1, currency: "usd", paid: 5_050, at: F.local(3, 9, 11))
        _ = try await F.invoice(app, t, facility: f2, patient: p2, currency: "eur", paid: 7_000, at: F.local(3, 29, 9))
        try await F.refund(app, t, invoice: eur, facility: f1, currency: "eur", amount: 2_500, status: "succeeded", at: F.local(3, 4, 8))
    }

    @Test("the numbers under the charts equal the API's for the tenant and for a facility, by day and by week; each read audited",
          arguments: TestBackend.enabled)
    func sameNumbersAsTheAPI(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "dash")
            try await seed(app, t)
            let admin = t[.groupAdmin]
            let browser = ConsoleBrowser(app)
            try await browser.signIn(admin, tenant: t)

            for (query, facility) in [("from=2026-03-01&to=2026-04-01&interval=day", nil as UUID?),
                                      ("from=2026-03-01&to=2026-04-01&interval=day&facility_id=\(t.f1.id!)", t.f1.id),
                                      ("from=2026-03-01&to=2026-04-01&interval=week&facility_id=\(t.f2.id!)", t.f2.id)] {
                let readsBefore = try await AuditEvent.query(on: app.db).filter(\.$action == "analytics.read").count()
                let res = try await browser.get("/console/dashboard?\(query)")
                #expect(res.status == .ok, "\(res.text)")
                let page = DashboardPage(res.text)
                // One audited read per chart, as five API calls would make.
                let readsAfter = try await AuditEvent.query(on: app.db).filter(\.$action == "analytics.read").count()
                #expect(readsAfter - readsBefore == 5)
                // Five or more panels (revenue per currency), each drawn wide and narrow.
                #expect(page.svgCount >= 10)
                #expect(!res.text.contains("style=") && !res.text.contains("<style"))
                #expect(page.selectedFacility == (facility?.uuidString.lowercased() ?? ""))

                for (metric, keys) in Self.keys {
                    let api = try await app.send(.GET, "/api/v1/analytics/\(metric)?\(query)", token: admin.token)
                    #expect(api.status == .ok, "\(api.text)")
                    let rows = try #require(page.tables[metric], "table of \(metric)")
                    #expect(rows.count == api.buckets.count && !rows.isEmpty, "\(metric)")
                    for (row, bucket) in zip(rows, api.buckets) {
                        #expect(row.start == bucket["start"] as? String)
                        for key in keys {
                            let want: Any? = metric == "appointments" && key != "total"
                                ? (bucket["by_status"] as? [String: Any])?[key] : bucket[key]
                            #expect(Self.same(row.values[key], want), "\(metric) \(row.start) \(key): \(row.values[key] ?? "-") vs \(want ?? "-")")
                        }
                    }
                }

                let revenue = try await app.send(.GET, "/api/v1/analytics/revenue?\(query)", token: admin.token)
                let apiMoney = revenue.buckets.map { bucket in
                    Dictionary(uniqueKeysWithValues: (bucket["revenue"] as? [[String: Any]] ?? []).map { ($0["currency"] as? String ?? "?", $0) })
                }
                let currencies = Set(apiMoney.flatMap(\.keys))
                #expect(!currencies.isEmpty)
                #expect(Set(page.tables.keys.filter { $0.hasPrefix("revenue-") }) == Set(currencies.map { "revenue-\($0)" }))
                for currency in currencies {
                    let rows = try #require(page.tables["revenue-\(currency)"])
                    #expect(rows.count == apiMoney.count)
                    for (row, money) in zip(rows, apiMoney) {
                        for key in ["paid", "refunded", "net"] {
                            #expect(Int(row.values[key] ?? "") == (money[currency]?[key] as? Int ?? 0), "\(currency) \(row.start) \(key)")
                        }
                    }
                }
            }

            // Independently of both: March's seeded money and stays, tenant-wide by day.
            let march = DashboardPage(try await browser.get("/console/dashboard?from=2026-03-01&to=2026-04-01").text)
            #expect(march.sum("admissions", "count") == 3)
            #expect(march.sum("revenue-eur", "paid") == 17_000 && march.sum("revenue-eur", "refunded") == 2_500)
            #expect(march.sum("revenue-usd", "net") == 5_050)
            // 5 statuses × 32 spread over March and 3 edge cases inside it.
            #expect(march.sum("appointments", "total") == 163)
        }
    }

    @Test("defaults: the last 30 days by day, tenant-wide for a group admin; a blank form field means not given; a bad field is a 422 page",
          arguments: TestBackend.enabled)
    func defaultsAndValidation(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "dash-defaults")
            let browser = ConsoleBrowser(app)
            try await browser.signIn(t[.groupAdmin], tenant: t)
            let plain = try await browser.get("/console/dashboard")
            #expect(plain.status == .ok, "\(plain.text)")
            let page = DashboardPage(plain.text)
            #expect(page.tables["admissions"]?.count == 30)
            #expect(page.selectedFacility == "")
            #expect(page.facilityOptions == ["", t.f1.id!.uuidString.lowercased(), t.f2.id!.uuidString.lowercased()])
            // A tenant without a zone is on UTC, and the page says so (not Foundation's "GMT").
            #expect(plain.text.contains("times in UTC</p>"), "\(plain.text.prefix(2_000))")
            // Nothing was paid: one revenue panel with its empty state.
            #expect(plain.text.contains("No payments or refunds in this range"))
            let blank = try await browser.get("/console/dashboard?facility_id=&from=&to=&interval=day")
            #expect(blank.status == .ok)
            #expect(DashboardPage(blank.text).tables["admissions"]?.count == 30)

            let bad = try await browser.get("/console/dashboard?interval=hour&from=yesterday")
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.headers.contentType?.subType == "html")
            // The form again, with the fields to correct named.
            let notice = try #require(bad.text.firstMatch(of: #/<p class="notice notice-error"[^>]*>([^<]*)</p>/#)).1
            #expect(notice.contains("interval: ") && notice.contains("from: "), "\(notice)")
            #expect(bad.text.contains(#"id="dashboard-filters""#))
            let reversed = try await browser.get("/console/dashboard?from=2026-03-10&to=2026-03-01")
            #expect(reversed.status == .unprocessableEntity)
        }
    }

    @Test("a facility admin sees only its facility, gets 403 for another facility's id and 404 for another tenant's",
          arguments: TestBackend.enabled)
    func facilityAdminReach(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "dash-fa")
            let other = try await Fixtures.tenant(app, slug: "dash-fa-other")
            let admin = t[.facilityAdmin]
            let browser = ConsoleBrowser(app)
            try await browser.signIn(admin, tenant: t)

            let own = try await browser.get("/console/dashboard")
            #expect(own.status == .ok, "\(own.text)")
            let page = DashboardPage(own.text)
            #expect(page.facilityOptions == [t.f1.id!.uuidString.lowercased()])
            #expect(page.selectedFacility == t.f1.id!.uuidString.lowercased())
            #expect(!own.text.contains("All facilities") && !own.text.contains("Facility Two"))
            for metric in ["admissions", "occupancy", "appointments", "no_show_rate"] { #expect(page.tables[metric] != nil, "\(metric)") }
            #expect(own.text.contains(#"id="panel-revenue""#))

            let denied = try await browser.get("/console/dashboard?facility_id=\(t.f2.id!)")
            #expect(denied.status == .forbidden)
            let api = try await app.send(.GET, "/api/v1/analytics/admissions?facility_id=\(t.f2.id!)", token: admin.token)
            #expect(api.status == .forbidden)
            let refusals = try await AuditEvent.query(on: app.db).filter(\.$action == "access.denied").filter(\.$actorID == admin.id).count()
            #expect(refusals == 2)

            let foreign = try await browser.get("/console/dashboard?facility_id=\(other.f1.id!)")
            #expect(foreign.status == .notFound)
            #expect(try await app.send(.GET, "/api/v1/analytics/admissions?facility_id=\(other.f1.id!)", token: admin.token).status == .notFound)
        }
    }

    @Test("billing sees revenue only, with the API's numbers, at its facility", arguments: TestBackend.enabled)
    func billingSeesRevenueOnly(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "dash-bill")
            try await seed(app, t)
            let billing = t[.billing]
            let browser = ConsoleBrowser(app)
            try await browser.signIn(billing, tenant: t)
            let res = try await browser.get("/console/dashboard?from=2026-03-01&to=2026-04-01")
            #expect(res.status == .ok, "\(res.text)")
            let page = DashboardPage(res.text)
            #expect(Set(page.tables.keys) == ["revenue-eur", "revenue-usd"])
            for panel in ["admissions", "occupancy", "appointments", "no_show_rate"] { #expect(!res.text.contains("panel-\(panel)")) }
            // Two panels, each drawn wide and narrow.
            #expect(page.svgCount == 4)
            #expect(!res.text.contains("style="))
            #expect(page.facilityOptions == [t.f1.id!.uuidString.lowercased()])

            let api = try await app.send(.GET, "/api/v1/analytics/revenue?from=2026-03-01&to=2026-04-01&facility_id=\(t.f1.id!)",
                                         token: billing.token)
            #expect(api.status == .ok)
            let rows = try #require(page.tables["revenue-eur"])
            #expect(rows.count == api.buckets.count)
            for (row, bucket) in zip(rows, api.buckets) {
                let eur = (bucket["revenue"] as? [[String: Any]] ?? []).first { $0["currency"] as? String == "eur" }
                #expect(Int(row.values["net"] ?? "") == (eur?["net"] as? Int ?? 0))
            }
            // f1 only: 100.00 paid, 25.00 refunded; f2's 70.00 is not in reach.
            #expect(page.sum("revenue-eur", "paid") == 10_000 && page.sum("revenue-eur", "net") == 7_500)
            #expect(try await browser.get("/console/dashboard?facility_id=\(t.f2.id!)").status == .forbidden)
        }
    }

    /// A page cell against an API value: numbers to 1e-12 (counts are integers, so exactly), null as "".
    static func same(_ cell: String?, _ api: Any?) -> Bool {
        guard let cell else { return false }
        switch api {
        case nil, is NSNull: return cell.isEmpty
        // JSONSerialization reads 0.0 as an NSNumber that is also an Int: compare as numbers.
        case let n as NSNumber: return Double(cell).map { abs($0 - n.doubleValue) < 1e-12 } ?? false
        default: return false
        }
    }
}

/// The dashboard's HTML read the way the browser suite reads it: tables by id, rows by bucket
/// start, cells by their API key; the facility picker's options.
struct DashboardPage {
    struct Row {
        let start: String
        let values: [String: String]
    }

    let tables: [String: [Row]]
    let facilityOptions: [String]
    let selectedFacility: String?
    let svgCount: Int

    init(_ html: String) {
        var tables: [String: [Row]] = [:]
        for table in html.matches(of: #/<table id="table-([^"]+)">(.*?)</table>/#.dotMatchesNewlines()) {
            tables[String(table.1)] = String(table.2).matches(of: #/<tr data-start="([^"]+)">(.*?)</tr>/#.dotMatchesNewlines()).map { row in
                let cells = String(row.2).matches(of: #/data-key="([^"]+)" data-value="([^"]*)"/#).map { (String($0.1), String($0.2)) }
                return Row(start: String(row.1), values: Dictionary(cells, uniquingKeysWith: { first, _ in first }))
            }
        }
        self.tables = tables
        let select = html.firstMatch(of: #/<select id="facility_id" name="facility_id">(.*?)</select>/#.dotMatchesNewlines()).map { String($0.1) } ?? ""
        facilityOptions = select.matches(of: #/<option value="([^"]*)"/#).map { String($0.1) }
        selectedFacility = select.firstMatch(of: #/<option value="([^"]*)" selected>/#).map { String($0.1) }
        svgCount = html.matches(of: #/<svg /#).count
    }

    func sum(_ table: String, _ key: String) -> Int {
        (tables[table] ?? []).reduce(0) { $0 + (Int($1.values[key] ?? "") ?? 0) }
    }
}
