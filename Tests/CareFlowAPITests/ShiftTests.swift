@testable import CareFlowAPI
import CareFlowCore
import Fluent
import Foundation
import SQLKit
import Testing
import VaporTesting

@Suite("Shifts and coverage")
struct ShiftTests {
    static func shift(_ user: UUID, _ role: Role, _ from: String, _ to: String) -> String {
        jsonBody(["user_id": user.uuidString, "role": role.rawValue, "starts_at": from, "ends_at": to])
    }

    @Test("admins add shifts; one person's shifts never overlap, at any facility", arguments: TestBackend.enabled)
    func noOverlap(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "rota")
            let nurse = t[.nurse]
            // The nurse also works at f2.
            try await TenantScope(tenantID: t.id, db: app.db).create(
                RoleAssignment(tenantID: t.id, userID: nurse.id, role: .nurse, facilityID: t.f2.id, grantedBy: nil))
            let f1 = "/api/v1/facilities/\(t.f1.id!)/shifts", f2 = "/api/v1/facilities/\(t.f2.id!)/shifts"
            let day = try await app.send(.POST, f1, token: t[.facilityAdmin].token,
                                         json: Self.shift(nurse.id, .nurse, "2030-05-06T06:00:00Z", "2030-05-06T14:00:00Z"))
            #expect(day.status == .created, "\(day.text)")
            #expect(day.json["role"] as? String == "nurse" && day.json["starts_at"] as? String == "2030-05-06T06:00:00Z")
            let clash = try await app.send(.POST, f2, token: t[.groupAdmin].token,
                                           json: Self.shift(nurse.id, .nurse, "2030-05-06T13:00:00Z", "2030-05-06T20:00:00Z"))
            #expect(clash.status == .conflict && clash.isProblem, "\(clash.text)")
            let inside = try await app.send(.POST, f1, token: t[.groupAdmin].token,
                                            json: Self.shift(nurse.id, .nurse, "2030-05-06T08:00:00Z", "2030-05-06T09:00:00Z"))
            #expect(inside.status == .conflict)
            // Back to back is fine, and so is someone else at the same time.
            #expect(try await app.send(.POST, f2, token: t[.groupAdmin].token,
                                       json: Self.shift(nurse.id, .nurse, "2030-05-06T14:00:00Z", "2030-05-06T22:00:00Z")).status == .created)
            #expect(try await app.send(.POST, f1, token: t[.facilityAdmin].token,
                                       json: Self.shift(t[.doctor].id, .doctor, "2030-05-06T06:00:00Z", "2030-05-06T14:00:00Z")).status == .created)

            // Validation names every bad field; a role not held there is refused.
            let bad = try await app.send(.POST, f1, token: t[.facilityAdmin].token,
                                         json: jsonBody(["user_id": "me", "role": "patient", "starts_at": "tomorrow", "shift": 1]))
            #expect(Set((bad.json["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String })
                == ["user_id", "role", "starts_at", "ends_at", "shift"])
            let wrongRole = try await app.send(.POST, f1, token: t[.facilityAdmin].token,
                                               json: Self.shift(nurse.id, .doctor, "2030-05-07T06:00:00Z", "2030-05-07T14:00:00Z"))
            #expect((wrongRole.json["errors"] as? [[String: Any]])?.first?["field"] as? String == "role")
            let tooLong = try await app.send(.POST, f1, token: t[.facilityAdmin].token,
                                             json: Self.shift(nurse.id, .nurse, "2030-05-08T06:00:00Z", "2030-05-09T06:00:01Z"))
            #expect((tooLong.json["errors"] as? [[String: Any]])?.first?["field"] as? String == "ends_at")
            #expect(try await app.send(.POST, f1, token: t[.facilityAdmin].token,
                                       json: Self.shift(t.f2Admin.id, .facilityAdmin, "2030-05-08T06:00:00Z", "2030-05-08T07:00:00Z")).status == .notFound)
            // Staff read the rota; only admins change it.
            #expect(try await app.send(.POST, f1, token: t[.nurse].token,
                                       json: Self.shift(nurse.id, .nurse, "2030-06-01T06:00:00Z", "2030-06-01T07:00:00Z")).status == .forbidden)
            #expect(try await app.send(.POST, f2, token: t[.facilityAdmin].token,
                                       json: Self.shift(nurse.id, .nurse, "2030-06-01T06:00:00Z", "2030-06-01T07:00:00Z")).status == .forbidden)
            let list = try await app.send(.GET, f1 + "?from=2030-05-06T00:00:00Z&to=2030-05-07T00:00:00Z", token: t[.nurse].token)
            #expect((list.json["items"] as? [[String: Any]])?.compactMap { $0["role"] as? String } == ["nurse", "doctor"]
                || (list.json["items"] as? [[String: Any]])?.compactMap { $0["role"] as? String } == ["doctor", "nurse"])
            let mine = try await app.send(.GET, f1 + "?user_id=\(nurse.id)", token: t[.receptionist].token)
            #expect((mine.json["items"] as? [Any])?.count == 1)
            #expect(try await app.send(.GET, f1, token: t[.billing].token).status == .forbidden)

            let id = try #require(day.json["id"] as? String)
            #expect(try await app.send(.DELETE, "\(f1)/\(id)", token: t[.nurse].token).status == .forbidden)
            #expect(try await app.send(.DELETE, "\(f2)/\(id)", token: t[.groupAdmin].token).status == .notFound)
            #expect(try await app.send(.DELETE, "\(f1)/\(id)", token: t[.facilityAdmin].token).status == .noContent)
            #expect(try await app.send(.DELETE, "\(f1)/\(id)", token: t[.facilityAdmin].token).status == .notFound)
            // With the morning shift gone, the overlapping one fits.
            #expect(try await app.send(.POST, f2, token: t[.groupAdmin].token,
                                       json: Self.shift(nurse.id, .nurse, "2030-05-06T06:00:00Z", "2030-05-06T14:00:00Z")).status == .created)
        }
    }

    @Test("20 concurrent overlapping shifts for one person: exactly one is created", arguments: TestBackend.enabled)
    func concurrentShifts(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "rota-race")
            let statuses = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                for i in 0..<20 {
                    // Each starts i minutes later: all overlap one another.
                    let from = SchedulingFixtures.iso(FieldReader.parseTimestamp("2030-05-06T06:00:00Z")!.addingTimeInterval(Double(i) * 60))
                    let to = SchedulingFixtures.iso(FieldReader.parseTimestamp("2030-05-06T14:00:00Z")!.addingTimeInterval(Double(i) * 60))
                    let body = Self.shift(t[.nurse].id, .nurse, from, to)
                    group.addTask { try await app.send(.POST, "/api/v1/facilities/\(t.f1.id!)/shifts", token: t[.facilityAdmin].token, json: body).status }
                }
                var all: [HTTPStatus] = []
                for try await s in group { all.append(s) }
                return all
            }
            #expect(statuses.filter { $0 == .created }.count == 1)
            #expect(statuses.filter { $0 == .conflict }.count == 19, "\(statuses.map(\.code))")
            #expect(try await TenantScope(tenantID: t.id, db: app.db).query(Shift.self).count() == 1)
        }
    }

    @Test("on PostgreSQL an exclusion constraint refuses overlapping shifts written past the service",
          .enabled(if: TestBackend.postgresURL != nil, "needs CAREFLOW_TEST_DATABASE_URL"))
    func exclusionConstraint() async throws {
        try await withCareFlow(.postgres) { app in
            let t = try await Fixtures.tenant(app, slug: "rota-pg")
            let sql = try #require(app.db as? any SQLDatabase)
            let constraint = try await sql.raw("""
                SELECT pg_get_constraintdef(c.oid) AS def FROM pg_constraint c JOIN pg_class r ON r.oid = c.conrelid
                WHERE c.conname = 'shifts_no_overlap' AND r.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema())
                """).first()
            let definition = try #require(try constraint?.decode(column: "def", as: String.self))
            #expect(definition.contains("EXCLUDE USING gist") && definition.contains("&&"))
            let scope = TenantScope(tenantID: t.id, db: app.db)
            let start = FieldReader.parseTimestamp("2030-05-06T06:00:00Z")!
            try await scope.create(Shift(tenantID: t.id, userID: t[.nurse].id, facilityID: t.f1.id!, startsAt: start,
                                         endsAt: start.addingTimeInterval(8 * 3600), role: .nurse, createdBy: nil))
            await #expect(throws: (any Error).self) {
                try await scope.create(Shift(tenantID: t.id, userID: t[.nurse].id, facilityID: t.f2.id!, startsAt: start.addingTimeInterval(3600),
                                             endsAt: start.addingTimeInterval(4 * 3600), role: .nurse, createdBy: nil))
            }
        }
    }

    @Test("coverage lists who is on shift hour by hour in the facility's zone, 25 hours on a fall-back day", arguments: TestBackend.enabled)
    func coverage(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "cover")
            let chicago = try await SchedulingFixtures.facility(app, t, code: "chi", zone: "America/Chicago")
            try await TenantScope(tenantID: t.id, db: app.db).create(
                RoleAssignment(tenantID: t.id, userID: t[.nurse].id, role: .nurse, facilityID: chicago.id, grantedBy: nil))
            let path = "/api/v1/facilities/\(chicago.id!)/shifts"
            // Night: 22:00 CDT on the 6th to 06:00 CST on the 7th; day: 08:30–09:30 CST on the 7th.
            #expect(try await app.send(.POST, path, token: t[.groupAdmin].token,
                                       json: Self.shift(t[.nurse].id, .nurse, "2027-11-07T03:00:00Z", "2027-11-07T12:00:00Z")).status == .created)
            #expect(try await app.send(.POST, path, token: t[.groupAdmin].token,
                                       json: Self.shift(t[.doctor].id, .doctor, "2027-11-07T14:30:00Z", "2027-11-07T15:30:00Z")).status == .created)
            let res = try await app.send(.GET, "/api/v1/facilities/\(chicago.id!)/coverage?date=2027-11-07", token: t[.groupAdmin].token)
            #expect(res.status == .ok, "\(res.text)")
            #expect(res.json["timezone"] as? String == "America/Chicago" && res.json["date"] as? String == "2027-11-07")
            // A facility on UTC is answered "UTC", as it was created (not Foundation's "GMT").
            let utc = try await SchedulingFixtures.facility(app, t, code: "utc", zone: "UTC")
            let utcCoverage = try await app.send(.GET, "/api/v1/facilities/\(utc.id!)/coverage?date=2027-11-07", token: t[.groupAdmin].token)
            #expect(utcCoverage.json["timezone"] as? String == "UTC", "\(utcCoverage.text)")
            let hours = res.json["hours"] as? [[String: Any]] ?? []
            #expect(hours.count == 25)
            #expect(hours.first?["local_start"] as? String == "2027-11-07T00:00:00-05:00")
            #expect(hours[1]["local_start"] as? String == "2027-11-07T01:00:00-05:00")
            #expect(hours[2]["local_start"] as? String == "2027-11-07T01:00:00-06:00")
            #expect(hours.last?["local_start"] as? String == "2027-11-07T23:00:00-06:00")
            let roles = hours.map { ($0["on_shift"] as? [[String: Any]] ?? []).compactMap { $0["role"] as? String } }
            // The night shift covers hours 0–6 (until 06:00 CST = 12:00Z); the doctor 08:00 and 09:00 CST.
            #expect(roles.enumerated().filter { !$0.element.isEmpty }.map(\.offset) == [0, 1, 2, 3, 4, 5, 6, 9, 10])
            #expect(roles[9] == ["doctor"] && roles[0] == ["nurse"])
            #expect(try await app.send(.GET, "/api/v1/facilities/\(chicago.id!)/coverage?date=2027-03-14", token: t[.groupAdmin].token)
                .json["hours"].map { ($0 as? [Any])?.count } == 23)
            let bad = try await app.send(.GET, "/api/v1/facilities/\(chicago.id!)/coverage", token: t[.groupAdmin].token)
            #expect(bad.status == .unprocessableEntity)
            #expect(try await app.send(.GET, "/api/v1/facilities/\(t.f1.id!)/coverage?date=2027-11-07", token: t[.nurse].token).status == .ok)
            #expect(try await app.send(.GET, "/api/v1/facilities/\(t.f2.id!)/coverage?date=2027-11-07", token: t[.nurse].token).status == .forbidden)
            let other = try await Fixtures.tenant(app, slug: "cover-other")
            #expect(try await app.send(.GET, "/api/v1/facilities/\(other.f1.id!)/coverage?date=2027-11-07", token: t[.groupAdmin].token)
                .status == .notFound)
        }
    }
}
