@testable import CareFlowAPI
import CareFlowCore
import Fluent
import Foundation
import Testing
import VaporTesting

@Suite("Staff profiles and the doctor directory")
struct StaffProfileTests {
    static var cardiologist: [String: Any] { ["specialization": "Cardiology", "licence_number": "RMDC-0042", "years_of_experience": 12,
                                              "consultation_fee": 1_500_000, "bio": "Heart failure clinic."] }

    @Test("a doctor keeps their own profile; admins of the facility keep anyone's", arguments: TestBackend.enabled)
    func profiles(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "prof")
            let path = "/api/v1/facilities/\(t.f1.id!)/staff/\(t[.doctor].id)/profile"
            #expect(try await app.send(.GET, path, token: t[.doctor].token).status == .notFound)
            let put = try await app.send(.PUT, path, token: t[.doctor].token, json: jsonBody(Self.cardiologist))
            #expect(put.status == .ok, "\(put.text)")
            #expect(put.json["consultation_fee"] as? Int == 1_500_000 && put.json["years_of_experience"] as? Int == 12)
            let read = try await app.send(.GET, path, token: t[.billing].token)
            #expect(read.json["licence_number"] as? String == "RMDC-0042")
            #expect(read.json["specialization"] as? String == "Cardiology")
            // PUT replaces: members left out become null.
            let replaced = try await app.send(.PUT, path, token: t[.facilityAdmin].token, json: jsonBody(["specialization": "Cardiology"]))
            #expect(replaced.status == .ok && replaced.json["bio"] is NSNull && replaced.json["consultation_fee"] is NSNull)
            #expect(try await app.send(.PUT, path, token: t[.groupAdmin].token, json: jsonBody(Self.cardiologist)).status == .ok)

            // A nurse keeps no one's profile, not even their own; f2's admin not f1's.
            #expect(try await app.send(.PUT, path, token: t[.nurse].token, json: jsonBody(Self.cardiologist)).status == .forbidden)
            #expect(try await app.send(.PUT, path, token: t.f2Admin.token, json: jsonBody(Self.cardiologist)).status == .forbidden)
            let nurseOwn = "/api/v1/facilities/\(t.f1.id!)/staff/\(t[.nurse].id)/profile"
            #expect(try await app.send(.PUT, nurseOwn, token: t[.nurse].token, json: jsonBody(["bio": "ICU"])).status == .forbidden)
            #expect(try await app.send(.PUT, nurseOwn, token: t[.facilityAdmin].token, json: jsonBody(["bio": "ICU"])).status == .ok)
            #expect(try await app.send(.GET, path, token: t[.patient].token).status == .forbidden)
            // Someone who is not staff here, and another tenant's facility, are not found.
            let notStaff = "/api/v1/facilities/\(t.f1.id!)/staff/\(t.f2Admin.id)/profile"
            #expect(try await app.send(.PUT, notStaff, token: t[.groupAdmin].token, json: jsonBody(["bio": "x"])).status == .notFound)
            let other = try await Fixtures.tenant(app, slug: "prof-other")
            #expect(try await app.send(.GET, "/api/v1/facilities/\(other.f1.id!)/staff/\(other[.doctor].id)/profile",
                                       token: t[.groupAdmin].token).status == .notFound)

            let bad = try await app.send(.PUT, path, token: t[.doctor].token,
                                         json: jsonBody(["years_of_experience": -1, "consultation_fee": "a lot", "bio": 3, "photo": "x"]))
            #expect(bad.status == .unprocessableEntity)
            #expect(Set((bad.json["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String })
                == ["years_of_experience", "consultation_fee", "bio", "photo"])
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "staff_profile.update").count() == 4)
        }
    }

    @Test("doctors are listed per facility by specialization and by a free slot on a day", arguments: TestBackend.enabled)
    func directory(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "dir")
            let second = try await Fixtures.user(app, tenant: t.tenant, email: "second@dir.test", role: .doctor, facility: t.f1.id)
            let atF2 = try await Fixtures.user(app, tenant: t.tenant, email: "f2doc@dir.test", role: .doctor, facility: t.f2.id)
            for (doctor, facility, specialization) in [(t[.doctor], t.f1, "Cardiology"), (second, t.f1, "Pédiatrie"), (atF2, t.f2, "cardiology")] {
                let res = try await app.send(.PUT, "/api/v1/facilities/\(facility.id!)/staff/\(doctor.id)/profile", token: t[.groupAdmin].token,
                                             json: jsonBody(["specialization": specialization, "consultation_fee": 1000]))
                #expect(res.status == .ok)
            }
            func doctors(_ query: String, as role: Role = .receptionist) async throws -> [String] {
                let res = try await app.send(.GET, "/api/v1/doctors\(query)", token: t[role].token)
                #expect(res.status == .ok, "\(query): \(res.text)")
                return (res.json["items"] as? [[String: Any]] ?? []).compactMap { $0["doctor_id"] as? String }
            }
            #expect(Set(try await doctors("")) == Set([t[.doctor].id, second.id, atF2.id].map(\.uuidString)))
            #expect(Set(try await doctors("?specialization=CARDIOLOGY")) == Set([t[.doctor].id, atF2.id].map(\.uuidString)))
            #expect(try await doctors("?specialization=pediatrie") == [second.id.uuidString])
            #expect(try await doctors("?facility_id=\(t.f2.id!)", as: .nurse) == [atF2.id.uuidString])

            // Free on a day: only doctors with a schedule and no leave then.
            try await SchedulingFixtures.openAllWeek(app, t)
            try await SchedulingFixtures.openAllWeek(app, t, doctor: second.id)
            let day = SchedulingFixtures.day(daysAhead: 3)
            let kigali = TimeZone(identifier: "Africa/Kigali")!
            let leave = try await app.send(.POST, "/api/v1/doctors/\(second.id)/exceptions", token: t[.groupAdmin].token,
                                           json: jsonBody(["reason": "leave",
                                                           "starts_at": SchedulingFixtures.iso(day.instant(atMinute: 0, in: kigali)),
                                                           "ends_at": SchedulingFixtures.iso(day.next.instant(atMinute: 0, in: kigali))]))
            #expect(leave.status == .created)
            #expect(try await doctors("?available_on=\(day)") == [t[.doctor].id.uuidString])
            #expect(Set(try await doctors("?available_on=\(day.next)")) == Set([t[.doctor].id, second.id].map(\.uuidString)))

            // Pages of one walk the whole directory.
            var seen: [String] = []
            var cursor: String?
            repeat {
                let res = try await app.send(.GET, "/api/v1/doctors?limit=1" + (cursor.map { "&cursor=\($0)" } ?? ""), token: t[.doctor].token)
                seen += (res.json["items"] as? [[String: Any]] ?? []).compactMap { $0["doctor_id"] as? String }
                cursor = res.json["next_cursor"] as? String
            } while cursor != nil
            #expect(seen.count == 3 && Set(seen).count == 3)

            let bad = try await app.send(.GET, "/api/v1/doctors?available_on=tomorrow&facility_id=1", token: t[.doctor].token)
            #expect(Set((bad.json["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String }) == ["available_on", "facility_id"])
            let patient = try await app.send(.GET, "/api/v1/doctors", token: t[.patient].token)
            #expect(patient.status == .forbidden && patient.isProblem)
        }
    }
}
