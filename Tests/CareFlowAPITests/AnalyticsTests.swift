@testable import CareFlowAPI
@testable import CareFlowCore
import Fluent
import Foundation
import Testing
import VaporTesting

/// `GET /api/v1/analytics/{metric}` on a seeded March 2026 in Europe/Berlin (issue 14). Every
/// expected number is computed here from the seed lists with Foundation's `Calendar` (day,
/// Monday-week and month buckets, the 23-hour 29th of March), not by the code under test.
@Suite("Analytics")
struct AnalyticsTests {
    typealias F = AnalyticsFixtures

    @Test("appointments by status and no-show rate per day, week and month; facility vs tenant-wide; other tenants not counted",
          arguments: TestBackend.enabled)
    func appointments(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "stats")
            try F.useBerlin(app, t)
            let seeded = F.appointments(t)
            try await F.insert(seeded, app, t, patientID: try await Fixtures.patient(app, t))
            // The same times in another tenant must change nothing.
            let other = try await Fixtures.tenant(app, slug: "stats-other")
            try await F.insert(F.appointments(other), app, other, patientID: try await Fixtures.patient(app, other))
            let admin = t[.groupAdmin].token

            let days = F.buckets(from: F.local(3, 1), to: F.local(4, 1), .day)
            let weeks = F.buckets(from: F.local(2, 23), to: F.local(4, 6), .weekOfYear)
            let months = F.buckets(from: F.local(1, 1), to: F.local(5, 1), .month)
            #expect(days.count == 31 && weeks.count == 6 && months.count == 4)
            // By hand: the 29th lost an hour; its bounds carry both offsets.
            #expect(days[28].duration == 23 * 3_600)

            for (interval, from, to, expected) in [("day", "2026-03-01", "2026-04-01", days),
                                                   ("week", "2026-03-01", "2026-04-01", weeks),
                                                   ("month", "2026-01-15", "2026-04-20", months)] {
                for facility in [t.f1.id!, t.f2.id!, nil] as [UUID?] {
                    let filter = facility.map { "&facility_id=\($0)" } ?? ""
                    let res = try await app.send(.GET, "/api/v1/analytics/appointments?interval=\(interval)&from=\(from)&to=\(to)\(filter)",
                                                 token: admin)
                    #expect(res.status == .ok, "\(res.text)")
                    #expect(res.json["time_zone"] as? String == "Europe/Berlin")
                    #expect(res.json["interval"] as? String == interval)
                    #expect((res.json["facility_id"] as? String)?.lowercased() == facility?.uuidString.lowercased())
                    let buckets = res.buckets
                    #expect(buckets.count == expected.count, "\(interval)")
                    for (bucket, want) in zip(buckets, expected) {
                        #expect(analyticsInstant(bucket["start"]) == want.start && analyticsInstant(bucket["end"]) == want.end)
                        let inBucket = seeded.filter { $0.startsAt >= want.start && $0.startsAt < want.end
                            && (facility == nil || $0.facilityID == facility) }
                        let byStatus = bucket["by_status"] as? [String: Int] ?? [:]
                        for status in Appointment.Status.allCases {
                            #expect(byStatus[status.rawValue] == inBucket.filter { $0.status == status }.count,
                                    "\(interval) \(want.start) \(status)")
                        }
                        #expect(bucket["total"] as? Int == inBucket.count)
                    }

                    let rates = try await app.send(.GET, "/api/v1/analytics/no_show_rate?interval=\(interval)&from=\(from)&to=\(to)\(filter)",
                                                   token: admin)
                    #expect(rates.status == .ok, "\(rates.text)")
                    for (bucket, want) in zip(rates.buckets, expected) {
                        let inBucket = seeded.filter { $0.startsAt >= want.start && $0.startsAt < want.end
                            && (facility == nil || $0.facilityID == facility) }
                        let noShow = inBucket.filter { $0.status == .noShow }.count
                        let completed = inBucket.filter { $0.status == .completed }.count
                        #expect(bucket["no_show"] as? Int == noShow && bucket["completed"] as? Int == completed)
                        if noShow + completed == 0 {
                            #expect(bucket["rate"] is NSNull, "\(interval) \(want.start): \(bucket)")
                        } else {
                            let rate = try #require(bucket["rate"] as? Double)
                            #expect(abs(rate - Double(noShow) / Double(noShow + completed)) < 1e-9)
                        }
                    }
                }
            }

            // Edge days by hand (f1, tenant-wide): the 1st holds the midnight booking, the 29th the
            // no-show at 03:00 just after the jump; the last second of March is in the 31st.
            let daily = try await app.send(.GET, "/api/v1/analytics/appointments?from=2026-03-01&to=2026-04-01", token: admin)
            #expect(daily.buckets.first?["start"] as? String == "2026-03-01T00:00:00+01:00")
            #expect(daily.buckets[28]["start"] as? String == "2026-03-29T00:00:00+01:00")
            #expect(daily.buckets[28]["end"] as? String == "2026-03-30T00:00:00+02:00")
            #expect(daily.json["from"] as? String == "2026-03-01T00:00:00+01:00")
            #expect(daily.json["to"] as? String == "2026-04-01T00:00:00+02:00")
            #expect(daily.json["facility_id"] is NSNull)

            // Each answer was an audited read with its metric and filter.
            let reads = try await AuditEvent.query(on: app.db).filter(\.$action == "analytics.read").all()
            // Three intervals × three scopes × two metrics, and the daily check.
            #expect(reads.count == 19)
        }
    }

    @Test("admissions, discharges and occupancy across midnight and the clock change", arguments: TestBackend.enabled)
    func admissionsAndOccupancy(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "beds")
            try F.useBerlin(app, t)
            let w1 = try await F.ward(app, t, facility: t.f1.id!, name: "W1", beds: 10)
            let w2 = try await F.ward(app, t, facility: t.f1.id!, name: "W2", beds: 5)
            let w3 = try await F.ward(app, t, facility: t.f2.id!, name: "W3", beds: 8)
            var patients: [UUID] = []
            for i in 0..<6 { patients.append(try await F.patient(app, t, home: t.f1.id!, name: "P\(i)")) }
            let (f1, f2) = (t.f1.id!, t.f2.id!)
            let stays = [
                // 22:00 on the 28th to 04:00 CEST on the 29th: 2 h on the 28th, 3 real hours on the 29th.
                try await F.admit(app, t, ward: w1, facility: f1, bed: 1, patient: patients[0], at: F.local(3, 28, 22), until: F.local(3, 29, 4)),
                try await F.admit(app, t, ward: w1, facility: f1, bed: 2, patient: patients[1], at: F.local(3, 10, 8), until: F.local(3, 12, 20)),
                try await F.admit(app, t, ward: w2, facility: f1, bed: 1, patient: patients[2], at: F.local(2, 25, 12), until: F.local(3, 3, 12)),
                try await F.admit(app, t, ward: w3, facility: f2, bed: 1, patient: patients[3], at: F.local(3, 20), until: nil),
                try await F.admit(app, t, ward: w1, facility: f1, bed: 3, patient: patients[4], at: F.local(3, 31, 23), until: F.local(4, 2, 10)),
                // 01:30 CET to 03:30 CEST: one real hour.
                try await F.admit(app, t, ward: w3, facility: f2, bed: 2, patient: patients[5], at: F.local(3, 29, 1, 30), until: F.local(3, 29, 3, 30)),
            ]
            let admin = t[.groupAdmin].token
            let days = F.buckets(from: F.local(3, 1), to: F.local(4, 1), .day)
            let beds: [UUID?: Int] = [f1: 15, f2: 8, nil: 23]

            for facility in [f1, f2, nil] as [UUID?] {
                let filter = facility.map { "&facility_id=\($0)" } ?? ""
                let mine = stays.filter { facility == nil || $0.facilityID == facility }
                let admissions = try await app.send(.GET, "/api/v1/analytics/admissions?from=2026-03-01&to=2026-04-01\(filter)", token: admin)
                let discharges = try await app.send(.GET, "/api/v1/analytics/discharges?from=2026-03-01&to=2026-04-01\(filter)", token: admin)
                let occupancy = try await app.send(.GET, "/api/v1/analytics/occupancy?from=2026-03-01&to=2026-04-01\(filter)", token: admin)
                #expect(admissions.status == .ok && discharges.status == .ok && occupancy.status == .ok, "\(occupancy.text)")
                for (i, day) in days.enumerated() {
                    let admitted = mine.filter { $0.admittedAt >= day.start && $0.admittedAt < day.end }.count
                    let discharged = mine.filter { $0.dischargedAt.map { $0 >= day.start && $0 < day.end } ?? false }.count
                    #expect(admissions.buckets[i]["count"] as? Int == admitted, "admissions \(day.start)")
                    #expect(discharges.buckets[i]["count"] as? Int == discharged, "discharges \(day.start)")
                    // A plain loop over the stays: the overlap of each with the day.
                    let occupied = mine.reduce(0.0) { sum, stay in
                        let end = min(stay.dischargedAt ?? .distantFuture, day.end)
                        let start = max(stay.admittedAt, day.start)
                        return sum + max(0, end.timeIntervalSince(start))
                    }
                    let bucket = occupancy.buckets[i]
                    #expect(bucket["beds"] as? Int == beds[facility]!)
                    let average = try #require(bucket["average_occupied_beds"] as? Double)
                    let ratio = try #require(bucket["occupancy"] as? Double)
                    #expect(abs(average - occupied / day.duration) < 1e-9, "average \(day.start)")
                    #expect(abs(ratio - occupied / day.duration / Double(beds[facility]!)) < 1e-9, "occupancy \(day.start)")
                }
                if facility == f1 {
                    // By hand: on the 29th (23 h) f1 had one patient for 3 h of its 15 beds; on the 28th, 2 h of 24.
                    #expect(abs((occupancy.buckets[28]["occupancy"] as? Double ?? -1) - 3.0 / (15 * 23)) < 1e-12)
                    #expect(abs((occupancy.buckets[27]["occupancy"] as? Double ?? -1) - 2.0 / (15 * 24)) < 1e-12)
                    #expect(admissions.buckets[27]["count"] as? Int == 1 && discharges.buckets[28]["count"] as? Int == 1)
                }
                if facility == f2 {
                    // The 29th at f2: the stay across the jump (1 h) and the current one from the 20th (23 h).
                    #expect(abs((occupancy.buckets[28]["average_occupied_beds"] as? Double ?? -1) - 24.0 / 23) < 1e-12)
                }
            }

            // Weeks: the current stay counts to each week's end; the week of the 23rd is 167 hours.
            let weekly = try await app.send(.GET, "/api/v1/analytics/occupancy?interval=week&from=2026-03-23&to=2026-03-30&facility_id=\(f2)",
                                            token: admin)
            #expect(weekly.buckets.count == 1)
            #expect(abs((weekly.buckets.first?["average_occupied_beds"] as? Double ?? -1) - (167.0 + 1) / 167) < 1e-12)
        }
    }

    @Test("occupancy of the current bucket is clipped to now; a bucket that has not begun is null", arguments: TestBackend.enabled)
    func occupancyClippedToNow(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "now")
            try F.useBerlin(app, t)
            let ward = try await F.ward(app, t, facility: t.f1.id!, name: "W", beds: 4)
            let patient = try await F.patient(app, t, home: t.f1.id!, name: "Now")
            _ = try await F.admit(app, t, ward: ward, facility: t.f1.id!, bed: 1, patient: patient, at: F.local(3, 10, 6), until: nil)
            let ctx = RequestContext(scope: TenantScope(tenantID: t.id, db: app.db),
                                     principal: try await app.services.auth.authenticate(bearer: t[.groupAdmin].token), origin: .none)
            let series = try await app.services.analytics.series(
                metric: .occupancy, filter: AnalyticsFilter(facilityID: t.f1.id!, from: .day(CalendarDay("2026-03-10")!),
                                                            to: .day(CalendarDay("2026-03-12")!), interval: .day),
                in: ctx, now: F.local(3, 10, 12))
            #expect(series.buckets.count == 2)
            // 6 of the 12 elapsed hours, one bed of four.
            #expect(series.buckets[0].values == .occupancy(beds: 4, averageOccupiedBeds: 0.5, occupancy: 0.125))
            #expect(series.buckets[1].values == .occupancy(beds: 4, averageOccupiedBeds: nil, occupancy: nil))
        }
    }

    @Test("high-risk patients: the latest assessment of each model as of each day's end, by home facility", arguments: TestBackend.enabled)
    func highRiskPatients(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "risk")
            try F.useBerlin(app, t)
            let p1 = try await F.patient(app, t, home: t.f1.id!, name: "One")
            let p2 = try await F.patient(app, t, home: t.f1.id!, name: "Two")
            let p3 = try await F.patient(app, t, home: t.f2.id!, name: "Three")
            let p4 = try await F.patient(app, t, home: t.f1.id!, name: "Four")
            let assessments = [
                F.SeededAssessment(patientID: p1, model: "a", high: true, createdAt: F.local(3, 5, 10)),
                F.SeededAssessment(patientID: p1, model: "a", high: false, createdAt: F.local(3, 15, 10)),
                F.SeededAssessment(patientID: p2, model: "a", high: false, createdAt: F.local(3, 3, 9)),
                F.SeededAssessment(patientID: p2, model: "b", high: true, createdAt: F.local(3, 10, 23, 59)),
                F.SeededAssessment(patientID: p2, model: "a", high: false, createdAt: F.local(3, 12, 9)),
                F.SeededAssessment(patientID: p3, model: "a", high: true, createdAt: F.local(2, 20, 9)),
                F.SeededAssessment(patientID: p4, model: "a", high: true, createdAt: F.local(3, 20, 0)),
                F.SeededAssessment(patientID: p4, model: "a", high: true, createdAt: F.local(3, 25, 0)),
                F.SeededAssessment(patientID: p4, model: "a", high: false, createdAt: F.local(4, 2, 0)),
            ]
            for a in assessments { try await F.assess(app, t, a) }
            let homes = [p1: t.f1.id!, p2: t.f1.id!, p3: t.f2.id!, p4: t.f1.id!]
            let days = F.buckets(from: F.local(3, 1), to: F.local(4, 1), .day)
            for facility in [t.f1.id!, t.f2.id!, nil] as [UUID?] {
                let filter = facility.map { "&facility_id=\($0)" } ?? ""
                let res = try await app.send(.GET, "/api/v1/analytics/high_risk_patients?from=2026-03-01&to=2026-04-01\(filter)",
                                             token: t[.groupAdmin].token)
                #expect(res.status == .ok, "\(res.text)")
                for (i, day) in days.enumerated() {
                    // Plain loop: per patient and model, the newest assessment before the day's end.
                    var high = Set<UUID>()
                    for (patient, home) in homes where facility == nil || home == facility {
                        let before = assessments.filter { $0.patientID == patient && $0.createdAt < day.end }
                        for model in Set(before.map(\.model)) {
                            if before.filter({ $0.model == model }).max(by: { $0.createdAt < $1.createdAt })!.high { high.insert(patient) }
                        }
                    }
                    #expect(res.buckets[i]["count"] as? Int == high.count, "\(facility?.uuidString ?? "tenant") \(day.start)")
                }
                if facility == nil {
                    // By hand: the 12th holds p1 (a high), p2 (b high), p3 → 3; the 16th p2, p3 → 2; the 31st p2, p3, p4 → 3.
                    #expect(res.buckets[11]["count"] as? Int == 3)
                    #expect(res.buckets[15]["count"] as? Int == 2)
                    #expect(res.buckets[30]["count"] as? Int == 3)
                }
            }
        }
    }

    @Test("revenue per currency: paid at paid_at minus succeeded refunds at refunded_at", arguments: TestBackend.enabled)
    func revenue(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "money")
            try F.useBerlin(app, t)
            let patient = try await F.patient(app, t, home: t.f1.id!, name: "Payer")
            let (f1, f2) = (t.f1.id!, t.f2.id!)
            let eur1 = try await F.invoice(app, t, facility: f1, patient: patient, currency: "eur", paid: 10_000, at: F.local(3, 2, 10))
            let usd1 = try await F.invoice(app, t, facility: f1, patient: patient, currency: "usd", paid: 5_000, at: F.local(3, 2, 11))
            _ = try await F.invoice(app, t, facility: f1, patient: patient, currency: "eur", paid: 2_500, at: F.local(3, 29, 12))
            let eur2 = try await F.invoice(app, t, facility: f2, patient: patient, currency: "eur", paid: 7_000, at: F.local(3, 29, 9))
            _ = try await F.invoice(app, t, facility: f1, patient: patient, currency: "eur", paid: 9_999, at: nil)
            try await F.refund(app, t, invoice: eur1, facility: f1, currency: "eur", amount: 1_000, status: "succeeded", at: F.local(3, 29, 13))
            try await F.refund(app, t, invoice: eur1, facility: f1, currency: "eur", amount: 300, status: "pending", at: F.local(3, 29, 14))
            try await F.refund(app, t, invoice: usd1, facility: f1, currency: "usd", amount: 5_000, status: "succeeded", at: F.local(3, 30, 8))
            try await F.refund(app, t, invoice: eur2, facility: f2, currency: "eur", amount: 500, status: "failed", at: F.local(3, 29, 10))

            func money(_ res: TestingHTTPResponse, _ index: Int) -> [String: [Int]] {
                let rows = res.buckets[index]["revenue"] as? [[String: Any]] ?? []
                return Dictionary(uniqueKeysWithValues: rows.map {
                    ($0["currency"] as? String ?? "?", [$0["paid"] as? Int ?? -1, $0["refunded"] as? Int ?? -1, $0["net"] as? Int ?? -1])
                })
            }
            // By hand, f1 per day: the 2nd eur 10000 and usd 5000 in; the 29th eur 2500 in, 1000 back; the 30th usd 5000 back.
            let f1Days = try await app.send(.GET, "/api/v1/analytics/revenue?from=2026-03-01&to=2026-04-01&facility_id=\(f1)",
                                            token: t[.billing].token)
            #expect(f1Days.status == .ok, "\(f1Days.text)")
            #expect(money(f1Days, 1) == ["eur": [10_000, 0, 10_000], "usd": [5_000, 0, 5_000]])
            #expect(money(f1Days, 28) == ["eur": [2_500, 1_000, 1_500]])
            #expect(money(f1Days, 29) == ["usd": [0, 5_000, -5_000]])
            #expect(money(f1Days, 0).isEmpty && money(f1Days, 30).isEmpty)
            // Tenant-wide by month: eur 19500 in, 1000 back; usd 5000 in and back.
            let tenantMonth = try await app.send(.GET, "/api/v1/analytics/revenue?interval=month&from=2026-03-01&to=2026-04-01",
                                                 token: t[.groupAdmin].token)
            #expect(tenantMonth.status == .ok, "\(tenantMonth.text)")
            #expect(money(tenantMonth, 0) == ["eur": [19_500, 1_000, 18_500], "usd": [5_000, 5_000, 0]])
            // f2 by week (Monday the 23rd to the 30th): eur 7000, the failed refund not counted.
            let f2Week = try await app.send(.GET, "/api/v1/analytics/revenue?interval=week&from=2026-03-23&to=2026-03-30&facility_id=\(f2)",
                                            token: t[.groupAdmin].token)
            #expect(money(f2Week, 0) == ["eur": [7_000, 0, 7_000]])
        }
    }

    @Test("scope and validation: 403 beyond the caller's reach, 404 for another tenant's facility, 422 for bad ranges",
          arguments: TestBackend.enabled)
    func scopeAndValidation(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "reach")
            let other = try await Fixtures.tenant(app, slug: "reach-other")
            let f1 = t.f1.id!, f2 = t.f2.id!
            for (token, path, status) in [
                (t[.facilityAdmin].token, "/api/v1/analytics/admissions?facility_id=\(f1)", HTTPStatus.ok),
                (t[.facilityAdmin].token, "/api/v1/analytics/admissions?facility_id=\(f2)", .forbidden),
                (t[.facilityAdmin].token, "/api/v1/analytics/admissions", .forbidden),
                (t.f2Admin.token, "/api/v1/analytics/occupancy?facility_id=\(f1)", .forbidden),
                (t.f2Admin.token, "/api/v1/analytics/occupancy?facility_id=\(f2)", .ok),
                (t[.billing].token, "/api/v1/analytics/revenue?facility_id=\(f1)", .ok),
                (t[.billing].token, "/api/v1/analytics/revenue", .forbidden),
                (t[.billing].token, "/api/v1/analytics/appointments?facility_id=\(f1)", .forbidden),
                (t[.doctor].token, "/api/v1/analytics/appointments?facility_id=\(f1)", .forbidden),
                (t[.groupAdmin].token, "/api/v1/analytics/revenue", .ok),
                (t[.groupAdmin].token, "/api/v1/analytics/admissions?facility_id=\(other.f1.id!)", .notFound),
                (t[.groupAdmin].token, "/api/v1/analytics/beds", .notFound),
                (t[.groupAdmin].token, "/api/v1/analytics/admissions?interval=year", .unprocessableEntity),
                (t[.groupAdmin].token, "/api/v1/analytics/admissions?from=2026-03-02&to=2026-03-01", .unprocessableEntity),
                (t[.groupAdmin].token, "/api/v1/analytics/admissions?from=2026-03-01&to=2026-03-01", .unprocessableEntity),
                (t[.groupAdmin].token, "/api/v1/analytics/admissions?from=yesterday", .unprocessableEntity),
                (t[.groupAdmin].token, "/api/v1/analytics/admissions?facility_id=f1", .unprocessableEntity),
                (t[.groupAdmin].token, "/api/v1/analytics/admissions?from=2025-01-01&to=2026-01-03", .unprocessableEntity),
                (t[.groupAdmin].token, "/api/v1/analytics/admissions?from=2025-01-01&to=2026-01-01", .ok),
                (t[.groupAdmin].token, "/api/v1/analytics/admissions?interval=week&from=2021-01-04&to=2026-01-05", .unprocessableEntity),
                (t[.groupAdmin].token, "/api/v1/analytics/admissions?interval=month&from=2016-01-01&to=2026-01-01", .ok),
                (t[.groupAdmin].token, "/api/v1/analytics/admissions?interval=month&from=2016-01-01&to=2026-01-02", .unprocessableEntity),
                (t[.groupAdmin].token, "/api/v1/analytics/admissions?from=0001-01-01", .unprocessableEntity),
            ] {
                let res = try await app.send(.GET, path, token: token)
                #expect(res.status == status, "\(path): \(res.status) \(res.text)")
                if status != .ok { #expect(res.isProblem, "\(path)") }
            }
            // Defaults: 30 day buckets ending with today's in the tenant's zone (UTC here).
            let defaults = try await app.send(.GET, "/api/v1/analytics/appointments", token: t[.groupAdmin].token)
            #expect(defaults.buckets.count == 30)
            // Named as the tenant names it: Foundation on Linux calls the zone made from "UTC" "GMT".
            #expect(defaults.json["time_zone"] as? String == "UTC")
            let last = try #require(analyticsInstant(defaults.buckets.last?["end"]))
            let first = try #require(analyticsInstant(defaults.buckets.first?["start"]))
            #expect(first < Date() && last > Date() && last.timeIntervalSince(Date()) <= 86_400)
            #expect(last.timeIntervalSince(first) == 30 * 86_400)
            // The problem names the field.
            let bad = try await app.send(.GET, "/api/v1/analytics/admissions?from=2026-03-02&to=2026-03-01", token: t[.groupAdmin].token)
            #expect(bad.text.contains("\"to\""))
        }
    }
}
