@testable import CareFlowAPI
@testable import CareFlowCore
import Fluent
import Foundation
import SQLKit
import Testing
import VaporTesting

/// The hourly appointment counts of migration 042 (issue 14): kept exact by the database's
/// triggers through inserts, status changes, reschedules and deletes (one row or many per
/// statement, concurrent or not), and answering `appointments` and `no_show_rate` with the same
/// bodies as counting the appointments themselves. Expected counts are computed here from the
/// rows the test wrote (or read back), hours with `floor(seconds / 3600)`.
@Suite("Analytics hourly counts")
struct AnalyticsRollupTests {
    /// A fixed-seed generator (SplitMix64), so a failure replays.
    struct Seeded: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    struct Key: Hashable, CustomStringConvertible {
        let tenant: UUID
        let facility: UUID
        let hour: Int
        let status: String
        var description: String { "\(tenant.uuidString.prefix(8)) \(facility.uuidString.prefix(8)) \(hour) \(status)" }
    }

    static func hour(_ date: Date) -> Int { Int((date.timeIntervalSince1970 / 3_600).rounded(.down)) * 3_600 }

    /// The counts table as (key with status) → count, zero counts left out.
    static func hourCounts(_ app: Application) async throws -> [Key: Int] {
        let rows = try await (app.db as! any SQLDatabase).raw("SELECT * FROM appointment_hour_counts").all()
        var counts: [Key: Int] = [:]
        for row in rows {
            for status in Appointment.Status.allCases {
                let n = try row.decode(column: status.rawValue, as: Int.self)
                guard n != 0 else { continue }
                let key = Key(tenant: try row.decode(column: "tenant_id", as: UUID.self),
                              facility: try row.decode(column: "facility_id", as: UUID.self),
                              hour: Int(try row.decode(column: "hour_start", as: Date.self).timeIntervalSince1970.rounded()),
                              status: status.rawValue)
                #expect(counts[key] == nil, "two rows for \(key)")
                counts[key] = n
            }
        }
        return counts
    }

    /// The GROUP BY of the appointments table, computed here from its rows.
    static func grouped(_ app: Application) async throws -> [Key: Int] {
        var counts: [Key: Int] = [:]
        for a in try await Appointment.query(on: app.db).all() {
            counts[Key(tenant: a.tenantID, facility: a.facilityID, hour: hour(a.startsAt), status: a.status.rawValue), default: 0] += 1
        }
        return counts
    }

    static func expectSame(_ app: Application, _ phase: String, tracked: [UUID: (UUID, UUID, Date, Appointment.Status)]) async throws {
        let table = try await grouped(app)
        var expected: [Key: Int] = [:]
        for (tenant, facility, startsAt, status) in tracked.values {
            expected[Key(tenant: tenant, facility: facility, hour: hour(startsAt), status: status.rawValue), default: 0] += 1
        }
        // The writes happened as the test believes, and the counts follow them.
        #expect(table == expected, "\(phase): the appointments are not what the test wrote")
        let counts = try await hourCounts(app)
        let differing = Set(counts.keys).union(table.keys).filter { counts[$0] != table[$0] }
        #expect(counts == table, "\(phase): hourly counts differ at \(differing)")
        #expect(!counts.isEmpty)
    }

    @Test("random inserts, status changes, reschedules across hours and facilities, bulk updates and deletes keep every count exact",
          arguments: TestBackend.enabled)
    func countsFollowEveryWrite(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            var rng = Seeded(state: 14_042)
            let t = try await Fixtures.tenant(app, slug: "hours")
            let other = try await Fixtures.tenant(app, slug: "hours-other")
            let tenants = [(t, try await Fixtures.patient(app, t)), (other, try await Fixtures.patient(app, other))]
            // Three days from a whole hour; some starts exactly on an hour or a millisecond before one.
            let base = Date(timeIntervalSince1970: 1_774_224_000)   // 2026-03-23T00:00:00Z
            var used = Set<Int>()
            func freshStart() -> Date {
                while true {
                    let hour = Int.random(in: 0..<72, using: &rng)
                    let offset: Int = switch Int.random(in: 0..<6, using: &rng) {
                    case 0: 0
                    case 1: 3_600_000 - 1
                    default: Int.random(in: 0..<3_600_000, using: &rng)
                    }
                    let ms = hour * 3_600_000 + offset
                    if used.insert(ms).inserted { return base.addingTimeInterval(Double(ms) / 1_000) }
                }
            }
            var tracked: [UUID: (UUID, UUID, Date, Appointment.Status)] = [:]

            // Inserts: several multi-row INSERTs (one statement each) and single ones.
            for round in 0..<6 {
                let (tenant, patient) = tenants[round % 2 == 0 || round == 5 ? 0 : 1]
                var batch: [Appointment] = []
                for _ in 0..<(round < 5 ? 60 : 1) {
                    let start = freshStart()
                    let facility = Bool.random(using: &rng) ? tenant.f1.id! : tenant.f2.id!
                    let status = Appointment.Status.allCases.randomElement(using: &rng)!
                    batch.append(Appointment(tenantID: tenant.id, facilityID: facility, doctorID: tenant[.doctor].id, patientID: patient,
                                             startsAt: start, endsAt: start.addingTimeInterval(1_800), status: status, bookedBy: nil))
                }
                try await batch.create(on: app.db)
                for a in batch { tracked[a.id!] = (a.tenantID, a.facilityID, a.startsAt, a.status) }
            }
            #expect(tracked.count == 301)
            try await Self.expectSame(app, "after inserts", tracked: tracked)

            // One row at a time: status changes, reschedules (another hour, maybe another
            // facility), both, and a save that changes none of the counted columns.
            for step in 0..<150 {
                let id = tracked.keys.sorted { $0.uuidString < $1.uuidString }.randomElement(using: &rng)!
                let a = try #require(try await Appointment.find(id, on: app.db))
                let tenant = a.tenantID == t.id ? t : other
                switch step % 4 {
                case 0: a.status = Appointment.Status.allCases.randomElement(using: &rng)!
                case 1: a.startsAt = freshStart()
                case 2:
                    a.startsAt = freshStart()
                    a.facilityID = a.facilityID == tenant.f1.id! ? tenant.f2.id! : tenant.f1.id!
                    a.status = Appointment.Status.allCases.randomElement(using: &rng)!
                default: a.endsAt = a.endsAt.addingTimeInterval(600)
                }
                a.endsAt = max(a.endsAt, a.startsAt.addingTimeInterval(60))
                try await a.save(on: app.db)
                tracked[id] = (a.tenantID, a.facilityID, a.startsAt, a.status)
            }
            try await Self.expectSame(app, "after single updates", tracked: tracked)

            // One statement moving many rows: every live booking of one facility on the first
            // day is cancelled, and all of another facility's completed visits an hour later.
            let firstDayEnd = base.addingTimeInterval(86_400)
            try await Appointment.query(on: app.db).filter(\.$tenantID == t.id).filter(\.$facilityID == t.f1.id!)
                .filter(\.$status == .booked).filter(\.$startsAt < firstDayEnd).set(\.$status, to: .cancelled).update()
            for (id, row) in tracked where row.0 == t.id && row.1 == t.f1.id! && row.3 == .booked && row.2 < firstDayEnd {
                tracked[id] = (row.0, row.1, row.2, .cancelled)
            }
            let completedF2 = tracked.filter { $0.value.0 == t.id && $0.value.1 == t.f2.id! && $0.value.3 == .completed }
            #expect(completedF2.count > 5)
            let sql = app.db as! any SQLDatabase
            let shift: SQLQueryString = backend == .postgres ? "starts_at + interval '1 hour'" : "starts_at + 3600"
            try await sql.raw("""
                UPDATE appointments SET starts_at = \(shift) WHERE tenant_id = \(bind: t.id) AND facility_id = \(bind: t.f2.id!)
                AND status = 'completed'
                """).run()
            for (id, row) in completedF2 { tracked[id] = (row.0, row.1, row.2.addingTimeInterval(3_600), row.3) }
            try await Self.expectSame(app, "after bulk updates", tracked: tracked)

            // Deletes: one at a time, then one statement deleting many.
            for _ in 0..<40 {
                let id = tracked.keys.sorted { $0.uuidString < $1.uuidString }.randomElement(using: &rng)!
                try await Appointment.find(id, on: app.db)!.delete(on: app.db)
                tracked[id] = nil
            }
            try await Appointment.query(on: app.db).filter(\.$tenantID == other.id).filter(\.$status == .noShow).delete()
            let before = tracked.count
            tracked = tracked.filter { !($0.value.0 == other.id && $0.value.3 == .noShow) }
            #expect(before - tracked.count > 5)
            try await Self.expectSame(app, "after deletes", tracked: tracked)

            // Emptied hours keep rows at 0, which the metric reads as nothing.
            try await Appointment.query(on: app.db).filter(\.$tenantID == other.id).delete()
            tracked = tracked.filter { $0.value.0 != other.id }
            try await Self.expectSame(app, "after emptying a tenant", tracked: tracked)
            #expect(try await Self.hourCounts(app).keys.allSatisfy { $0.tenant == t.id })
        }
    }

    @Test("migration 042 reverts to no table and no triggers, and prepares again with the existing appointments counted",
          arguments: TestBackend.enabled)
    func revertAndBackfill(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "backfill")
            let patient = try await Fixtures.patient(app, t)
            let base = Date(timeIntervalSince1970: 1_774_224_000)   // 2026-03-23T00:00:00Z
            func appointment(_ i: Int) -> Appointment {
                // Every 25 minutes and a second, a millisecond before the hour now and then.
                let start = base.addingTimeInterval(Double(i * 1_501) - (i % 7 == 0 ? 0.001 : 0))
                return Appointment(tenantID: t.id, facilityID: i % 3 == 0 ? t.f2.id! : t.f1.id!, doctorID: t[.doctor].id, patientID: patient,
                                   startsAt: start, endsAt: start.addingTimeInterval(900),
                                   status: Appointment.Status.allCases[i % Appointment.Status.allCases.count], bookedBy: nil)
            }
            try await (0..<120).map(appointment).create(on: app.db)
            let migration = CreateAppointmentHourCounts()
            // Schema changes are the owner's (on PostgreSQL the application's role has none).
            let owner = ownerDatabase(app)
            try await migration.revert(on: owner)
            let sql = app.db as! any SQLDatabase
            await #expect(throws: (any Error).self) { try await sql.raw("SELECT * FROM appointment_hour_counts").all() }
            // Without the triggers, writes to appointments go on as before.
            try await (120..<150).map(appointment).create(on: app.db)
            try await Appointment.query(on: app.db).filter(\.$status == .cancelled).set(\.$status, to: .completed).update()
            try await migration.prepare(on: owner)
            let table = try await Self.grouped(app)
            #expect(table.values.reduce(0, +) == 150)
            #expect(try await Self.hourCounts(app) == table)
            // And the triggers are back.
            try await Appointment.query(on: app.db).filter(\.$facilityID == t.f2.id!).delete()
            #expect(try await Self.hourCounts(app) == (try await Self.grouped(app)))
        }
    }

    /// A calendar in `zone` for expected buckets.
    static func calendar(_ zone: TimeZone) -> Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        calendar.firstWeekday = 2
        calendar.minimumDaysInFirstWeek = 4
        return calendar
    }

    static func useZone(_ app: Application, _ t: TestTenant, _ zone: String) throws {
        var config = app.services.tenants[t.tenant.slug] ?? TenantConfiguration(slug: t.tenant.slug, name: "T", timezone: "UTC")
        config.timezone = zone
        try app.services.tenants.register(config, writeFile: false)
    }

    static func parse(_ data: some Sequence<UInt8>) throws -> NSDictionary {
        try #require(try JSONSerialization.jsonObject(with: Data(data)) as? NSDictionary)
    }

    @Test("the hourly counts and the appointments answer the same bodies in whole-hour zones; other zones count the rows",
          arguments: TestBackend.enabled)
    func sameAnswersBothWays(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            var rng = Seeded(state: 9_001)
            let t = try await Fixtures.tenant(app, slug: "both")
            let patient = try await Fixtures.patient(app, t)
            // March and April 2026: the European (29 March) and American (8 March) clock
            // changes and Lord Howe's (5 April, half an hour). Random starts, plus some on UTC
            // hours, a millisecond before them and on Kolkata's midnights (18:30 UTC).
            let from = Date(timeIntervalSince1970: 1_772_323_200)   // 2026-03-01T00:00:00Z
            var starts: [Date] = []
            for i in 0..<400 {
                let seconds: Double = switch i % 8 {
                case 0: Double(Int.random(in: 0..<1_464, using: &rng) * 3_600)
                case 1: Double(Int.random(in: 1..<1_464, using: &rng) * 3_600) - 0.001
                case 2: Double(Int.random(in: 0..<61, using: &rng) * 86_400 + 66_600)
                default: Double(Int.random(in: 0..<5_270_400_000, using: &rng)) / 1_000
                }
                starts.append(from.addingTimeInterval(seconds))
            }
            starts = Array(Set(starts)).sorted()
            var seeded: [AnalyticsFixtures.SeededAppointment] = []
            for start in starts {
                seeded.append(AnalyticsFixtures.SeededAppointment(facilityID: Bool.random(using: &rng) ? t.f1.id! : t.f2.id!, startsAt: start,
                                                                  status: Appointment.Status.allCases.randomElement(using: &rng)!))
            }
            // One doctor: the starts are distinct, so the double-booking index refuses none.
            try await AnalyticsFixtures.insert(seeded, app, t, patientID: patient)
            let admin = t[.groupAdmin].token
            let principal = try await app.services.auth.authenticate(bearer: admin)
            let rows = AnalyticsService(guardian: app.services.guardian, audit: app.services.audit, tenants: app.services.tenants,
                                        appointmentSource: .appointments)
            let recorder = SQLRecorder()
            let recorded = RequestContext(scope: TenantScope(tenantID: t.id, db: recorder.database(app)), principal: principal, origin: .none)

            let zones: [(String, Bool)] = [("UTC", true), ("Europe/Berlin", true), ("America/New_York", true), ("Asia/Kolkata", false),
                                           ("Asia/Kathmandu", false), ("Australia/Lord_Howe", false)]
            for (zoneName, wholeHours) in zones {
                try Self.useZone(app, t, zoneName)
                let zone = TimeZone(identifier: zoneName)!
                for interval in AnalyticsInterval.allCases {
                    for facility in [t.f1.id!, t.f2.id!, nil] as [UUID?] {
                        for metric in [AnalyticsMetric.appointments, .noShowRate] {
                            let label = "\(zoneName) \(metric.rawValue) by \(interval.rawValue) \(facility.map { "\($0)" } ?? "tenant")"
                            let query = "interval=\(interval.rawValue)&from=2026-03-01&to=2026-05-01" + (facility.map { "&facility_id=\($0)" } ?? "")
                            let res = try await app.send(.GET, "/api/v1/analytics/\(metric.rawValue)?\(query)", token: admin)
                            #expect(res.status == .ok, "\(label): \(res.text)")
                            let filter = AnalyticsFilter(facilityID: facility, from: .day(CalendarDay("2026-03-01")!),
                                                         to: .day(CalendarDay("2026-05-01")!), interval: interval)
                            let counted = AnalyticsSeriesDTO(try await rows.series(metric: metric, filter: filter, in: recorded))
                            let api = try Self.parse(res.body.readableBytesView)
                            var body = ByteBuffer(), headers = HTTPHeaders()
                            try ResponseJSONEncoder().encode(counted, to: &body, headers: &headers)
                            let raw = try Self.parse(body.readableBytesView)
                            #expect(api == raw, "\(label): the API and the appointments differ\n\(res.text)")

                            // Which table the API's path reads.
                            recorder.reset()
                            _ = try await app.services.analytics.series(metric: metric, filter: filter, in: recorded)
                            let statement = recorder.lastStatement { $0.contains(" AS bucket") }?.sql ?? ""
                            #expect(statement.contains("appointment_hour_counts") == wholeHours, "\(label): \(statement)")
                        }
                    }
                }

                // The day buckets against counts computed here with Foundation's calendar.
                let calendar = Self.calendar(zone)
                var day = calendar.date(from: DateComponents(year: 2026, month: 3, day: 1))!
                let end = calendar.date(from: DateComponents(year: 2026, month: 5, day: 1))!
                let res = try await app.send(.GET, "/api/v1/analytics/appointments?from=2026-03-01&to=2026-05-01", token: admin)
                var index = 0
                while day < end {
                    let next = calendar.date(byAdding: .day, value: 1, to: day)!
                    let bucket = res.buckets[index]
                    #expect(analyticsInstant(bucket["start"]) == day && analyticsInstant(bucket["end"]) == next, "\(zoneName) \(day)")
                    let inDay = seeded.filter { $0.startsAt >= day && $0.startsAt < next }
                    let byStatus = bucket["by_status"] as? [String: Int] ?? [:]
                    for status in Appointment.Status.allCases {
                        #expect(byStatus[status.rawValue] == inDay.filter { $0.status == status }.count, "\(zoneName) \(day) \(status)")
                    }
                    #expect(bucket["total"] as? Int == inDay.count)
                    (day, index) = (next, index + 1)
                }
                #expect(index == 61 && res.buckets.count == 61)
            }
            #expect(seeded.count > 370)
        }
    }

    @Test("concurrent bookings, status changes and opposite reschedules into the same hours stay exact (PostgreSQL)",
          arguments: TestBackend.enabled.filter { $0 == .postgres })
    func concurrentWrites(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "rush")
            let patient = try await Fixtures.patient(app, t)
            let (f1, doctor) = (t.f1.id!, t[.doctor].id)
            let hourA = Date(timeIntervalSince1970: 1_774_260_000)   // 2026-03-23T10:00:00Z
            let hourB = hourA.addingTimeInterval(3_600)
            // 80 bookings at once into one hour of one facility, each its own statement.
            let ids = try await withThrowingTaskGroup(of: UUID.self) { group in
                for i in 0..<80 {
                    group.addTask {
                        let start = hourA.addingTimeInterval(Double(i) * 30)
                        let a = Appointment(tenantID: t.id, facilityID: f1, doctorID: doctor, patientID: patient, startsAt: start,
                                            endsAt: start.addingTimeInterval(900), status: .booked, bookedBy: nil)
                        try await a.create(on: app.db)
                        return a.id!
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }.sorted { $0.uuidString < $1.uuidString }
            var counts = try await Self.hourCounts(app)
            #expect(counts == [Key(tenant: t.id, facility: f1, hour: Self.hour(hourA), status: "booked"): 80])

            // Twenty of them wait in the next hour first.
            let (goers, comers) = (Array(ids[40..<60]), Array(ids[60..<80]))
            for id in comers { try await Self.move(id, by: 3_600, on: app.db) }
            // At once: 20 confirmed, 20 no-shows, and 20 transactions that each move one from A
            // to B and one from B to A, half of them in the other order — opposite lock orders
            // that deadlock unless the trigger takes its count rows in key order.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (i, id) in ids[0..<40].enumerated() {
                    group.addTask {
                        let a = try await Appointment.find(id, on: app.db)!
                        a.status = i < 20 ? .confirmed : .noShow
                        try await a.save(on: app.db)
                    }
                }
                for pair in 0..<20 {
                    group.addTask {
                        try await app.db.transaction { tx in
                            let moves = [(goers[pair], 3_600.0), (comers[pair], -3_600.0)]
                            for (id, by) in pair % 2 == 0 ? moves : moves.reversed() { try await Self.move(id, by: by, on: tx) }
                        }
                    }
                }
                try await group.waitForAll()
            }
            counts = try await Self.hourCounts(app)
            #expect(counts == [Key(tenant: t.id, facility: f1, hour: Self.hour(hourA), status: "confirmed"): 20,
                               Key(tenant: t.id, facility: f1, hour: Self.hour(hourA), status: "no_show"): 20,
                               Key(tenant: t.id, facility: f1, hour: Self.hour(hourA), status: "booked"): 20,
                               Key(tenant: t.id, facility: f1, hour: Self.hour(hourB), status: "booked"): 20])
            #expect(counts == (try await Self.grouped(app)))
        }
    }

    static func move(_ id: UUID, by seconds: Double, on db: any Database) async throws {
        let a = try #require(try await Appointment.find(id, on: db))
        a.startsAt = a.startsAt.addingTimeInterval(seconds)
        a.endsAt = a.endsAt.addingTimeInterval(seconds)
        try await a.save(on: db)
    }
}
