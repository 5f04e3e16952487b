@testable import CareFlowAPI
@testable import CareFlowCore
import Fluent
import Foundation
import SQLKit
import Testing
import VaporTesting

/// The hourly admission and discharge sums of migration 050 (PostgreSQL, issue 14): kept exact
/// by the triggers through bulk inserts, discharges, moves and deletes, and answering occupancy
/// with the same numbers as the admissions themselves. Expected sums are computed here from the
/// admissions read back, hours by `floor(seconds / 3600)`.
@Suite("Occupancy from hourly admission sums")
struct AdmissionHourEventsTests {
    typealias F = AnalyticsFixtures

    struct Key: Hashable, CustomStringConvertible {
        let tenant: UUID
        let facility: UUID
        let hour: Int
        var description: String { "\(tenant.uuidString.prefix(8)) \(facility.uuidString.prefix(8)) \(hour)" }
    }

    struct Sums: Equatable {
        var admitted = 0, admittedMicros = 0, discharged = 0, dischargedMicros = 0
        var isZero: Bool { self == Sums() }
    }

    /// The table, zero rows left out.
    static func table(_ app: Application) async throws -> [Key: Sums] {
        var result: [Key: Sums] = [:]
        for row in try await (ownerDatabase(app) as! any SQLDatabase).raw("""
            SELECT tenant_id, facility_id, CAST(EXTRACT(EPOCH FROM hour_start) AS BIGINT) AS hour, admitted, admitted_us, discharged, discharged_us
            FROM admission_hour_events
            """).all() {
            let sums = Sums(admitted: try row.decode(column: "admitted", as: Int.self), admittedMicros: try row.decode(column: "admitted_us", as: Int.self),
                            discharged: try row.decode(column: "discharged", as: Int.self),
                            dischargedMicros: try row.decode(column: "discharged_us", as: Int.self))
            if !sums.isZero {
                result[Key(tenant: try row.decode(column: "tenant_id", as: UUID.self), facility: try row.decode(column: "facility_id", as: UUID.self),
                           hour: try row.decode(column: "hour", as: Int.self))] = sums
            }
        }
        return result
    }

    /// The same from the admissions: every time as whole microseconds since 1970 (read as text,
    /// so no floating point comes between).
    static func expected(_ app: Application) async throws -> [Key: Sums] {
        var result: [Key: Sums] = [:]
        for row in try await (ownerDatabase(app) as! any SQLDatabase).raw("""
            SELECT tenant_id, facility_id, CAST(EXTRACT(EPOCH FROM admitted_at) * 1000000 AS BIGINT) AS a,
                CAST(EXTRACT(EPOCH FROM discharged_at) * 1000000 AS BIGINT) AS d FROM admissions
            """).all() {
            let tenant = try row.decode(column: "tenant_id", as: UUID.self), facility = try row.decode(column: "facility_id", as: UUID.self)
            func floorHour(_ micros: Int) -> Int { Int((Double(micros) / 3_600_000_000).rounded(.down)) * 3_600 }
            let a = try row.decode(column: "a", as: Int.self)
            let aKey = Key(tenant: tenant, facility: facility, hour: floorHour(a))
            result[aKey, default: Sums()].admitted += 1
            result[aKey, default: Sums()].admittedMicros += a - aKey.hour * 1_000_000
            if let d = try row.decode(column: "d", as: Int?.self) {
                let dKey = Key(tenant: tenant, facility: facility, hour: floorHour(d))
                result[dKey, default: Sums()].discharged += 1
                result[dKey, default: Sums()].dischargedMicros += d - dKey.hour * 1_000_000
            }
        }
        return result.filter { !$0.value.isZero }
    }

    @Test("bulk inserts, discharges, moves across hours and facilities, and deletes keep every sum exact",
          arguments: TestBackend.enabled.filter { $0 == .postgres })
    func triggersKeepSumsExact(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "hours")
            let other = try await Fixtures.tenant(app, slug: "hours-other")
            var generator = AnalyticsRollupTests.Seeded(state: 50)
            let cipher = try await app.services.keyring.cipher(forTenant: t.id, on: app.db)
            let otherCipher = try await app.services.keyring.cipher(forTenant: other.id, on: app.db)
            let base = F.local(3, 1).timeIntervalSince1970
            var wards: [(TestTenant, UUID, UUID)] = []
            for (tenant, facility) in [(t, t.f1.id!), (t, t.f2.id!), (other, other.f1.id!)] {
                wards.append((tenant, facility, try await F.ward(app, tenant, facility: facility, name: "W", beds: 500)))
            }
            let patients = [t.id: try await F.patient(app, t, home: t.f1.id!, name: "H"), other.id: try await F.patient(app, other, home: other.f1.id!, name: "O")]
            // Times with milliseconds, some on the hour exactly.
            func instant() -> Date {
                let seconds = Double(Int.random(in: 0..<(20 * 86_400), using: &generator))
                return Date(timeIntervalSince1970: base + seconds + (Bool.random(using: &generator) ? 0 : Double(Int.random(in: 1..<1_000, using: &generator)) / 1_000))
            }
            var bed = 0
            for round in 0..<3 {
                // One INSERT of many rows: the statement trigger's transition table.
                var batch: [Admission] = []
                for _ in 0..<60 {
                    let (tenant, facility, ward) = wards[Int.random(in: 0..<wards.count, using: &generator)]
                    let admission = Admission()
                    bed += 1
                    let admitted = instant()
                    (admission.tenantID, admission.facilityID, admission.wardID, admission.patientID) = (tenant.id, facility, ward, patients[tenant.id]!)
                    (admission.bed, admission.admittedAt) = (bed, admitted)
                    let discharged = Bool.random(using: &generator) ? admitted.addingTimeInterval(Double(Int.random(in: 60..<400_000, using: &generator)) + 0.25) : nil
                    // Status `discharged` even for open stays: one patient holds every stay here, and
                    // only one current stay per patient (and bed) is allowed; the sums read the times only.
                    (admission.status, admission.dischargedAt) = (.discharged, discharged)
                    admission.reasonSealed = try (tenant.id == t.id ? cipher : otherCipher).seal("r")
                    batch.append(admission)
                }
                try await batch.create(on: app.db)
                #expect(try await Self.table(app) == Self.expected(app), "after insert \(round)")

                let all = try await Admission.query(on: app.db).all()
                for admission in all.shuffled(using: &generator).prefix(25) {
                    switch Int.random(in: 0..<4, using: &generator) {
                    case 0 where admission.dischargedAt == nil:
                        admission.dischargedAt = admission.admittedAt.addingTimeInterval(7_200.5)
                    case 1:
                        admission.admittedAt = admission.admittedAt.addingTimeInterval(-3_599.999)
                    case 2 where admission.dischargedAt != nil:
                        admission.dischargedAt = admission.dischargedAt!.addingTimeInterval(86_400)
                    default:
                        admission.bed += 10_000  // a column the triggers ignore
                    }
                    try await admission.update(on: app.db)
                }
                #expect(try await Self.table(app) == Self.expected(app), "after updates \(round)")

                let doomed = all.shuffled(using: &generator).prefix(10).map { $0.id! }
                try await Admission.query(on: app.db).filter(\.$id ~~ doomed).delete()
                #expect(try await Self.table(app) == Self.expected(app), "after deletes \(round)")
            }
            // Bulk moves in one statement (the row trigger, many rows), forward and back.
            let sql = ownerDatabase(app) as! any SQLDatabase
            try await sql.raw("UPDATE admissions SET admitted_at = admitted_at + interval '90 minutes' WHERE bed % 3 = 0").run()
            try await sql.raw("UPDATE admissions SET discharged_at = discharged_at - interval '1 hour' WHERE discharged_at IS NOT NULL AND bed % 2 = 0").run()
            #expect(try await Self.table(app) == Self.expected(app), "after bulk updates")
            #expect(!(try await Self.table(app)).isEmpty)
        }
    }

    @Test("occupancy from the hourly sums equals occupancy from the admissions: days, weeks, months, clipped to now, both scopes",
          arguments: TestBackend.enabled.filter { $0 == .postgres })
    func sameAnswersAsTheAdmissions(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "hours-equal")
            try F.useBerlin(app, t)
            var generator = AnalyticsRollupTests.Seeded(state: 51)
            let wards = [(t.f1.id!, try await F.ward(app, t, facility: t.f1.id!, name: "A", beds: 300)),
                         (t.f2.id!, try await F.ward(app, t, facility: t.f2.id!, name: "B", beds: 200))]
            let patient = try await F.patient(app, t, home: t.f1.id!, name: "E")
            let start = F.local(1, 20).timeIntervalSince1970
            let cipher = try await app.services.keyring.cipher(forTenant: t.id, on: app.db)
            var stays: [Admission] = []
            for bed in 1...250 {
                let (facility, ward) = wards[bed % 2]
                let admitted = Date(timeIntervalSince1970: start + Double(Int.random(in: 0..<(100 * 86_400), using: &generator)) + 0.125)
                let discharged = bed % 7 == 0 ? nil : admitted.addingTimeInterval(Double(Int.random(in: 600..<(9 * 86_400), using: &generator)) + 0.5)
                // Status `discharged` even for open stays (one patient holds them all; one current stay each is allowed).
                let admission = Admission()
                (admission.tenantID, admission.facilityID, admission.wardID, admission.patientID) = (t.id, facility, ward, patient)
                (admission.bed, admission.status, admission.admittedAt, admission.dischargedAt) = (bed, .discharged, admitted, discharged)
                admission.reasonSealed = try cipher.seal("r")
                stays.append(admission)
            }
            try await stays.create(on: app.db)
            let ctx = RequestContext(scope: TenantScope(tenantID: t.id, db: app.db),
                                     principal: try await app.services.auth.authenticate(bearer: t[.groupAdmin].token), origin: .none)
            let hourly = app.services.analytics
            let rows = AnalyticsService(guardian: app.services.guardian, audit: app.services.audit, tenants: app.services.tenants,
                                        appointmentSource: .appointments)
            // `now` on a whole hour (every bucket from the hourly sums) and inside one (the last from the admissions).
            for now in [F.local(4, 20, 15), F.local(4, 20, 15, 37, second: 12)] {
                for interval in [AnalyticsInterval.day, .week, .month] {
                    for facility in [t.f1.id!, nil] as [UUID?] {
                        let filter = AnalyticsFilter(facilityID: facility, from: .day(CalendarDay("2026-02-01")!), to: .day(CalendarDay("2026-04-25")!),
                                                     interval: interval)
                        let a = try await hourly.series(metric: .occupancy, filter: filter, in: ctx, now: now)
                        let b = try await rows.series(metric: .occupancy, filter: filter, in: ctx, now: now)
                        #expect(a.buckets.count == b.buckets.count)
                        var compared = 0
                        for (x, y) in zip(a.buckets, b.buckets) {
                            guard case .occupancy(let bedsX, let averageX, _) = x.values, case .occupancy(let bedsY, let averageY, _) = y.values else {
                                Issue.record("not occupancy"); continue
                            }
                            #expect(bedsX == bedsY)
                            #expect((averageX == nil) == (averageY == nil), "\(interval) \(x.start)")
                            if let averageX, let averageY {
                                #expect(abs(averageX - averageY) <= 1e-9 * max(1, abs(averageY)), "\(interval) \(facility == nil ? "tenant" : "facility") \(x.start): \(averageX) vs \(averageY)")
                                if averageY > 0 { compared += 1 }
                            }
                        }
                        #expect(compared > 0, "\(interval): nothing occupied to compare")
                    }
                }
            }
        }
    }
}
