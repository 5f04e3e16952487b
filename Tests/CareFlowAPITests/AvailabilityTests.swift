@testable import CareFlowAPI
import CareFlowCore
import Fluent
import Foundation
import Testing
import VaporTesting

@Suite("Weekly availability and exceptions")
struct AvailabilityTests {
    static func schedule(_ facility: UUID, _ windows: [[String: Any]]) -> String {
        jsonBody(["facility_id": facility.uuidString, "windows": windows])
    }

    @Test("the doctor or the facility's admins replace the weekly schedule; others may not", arguments: TestBackend.enabled)
    func weeklySchedule(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "avail")
            let path = "/api/v1/doctors/\(t[.doctor].id)/availability"
            let windows: [[String: Any]] = [
                ["weekday": 3, "start": "14:00", "end": "17:00", "slot_minutes": 30],
                ["weekday": 1, "start": "09:00", "end": "12:00", "slot_minutes": 20],
            ]
            let put = try await app.send(.PUT, path, token: t[.doctor].token, json: Self.schedule(t.f1.id!, windows))
            #expect(put.status == .ok, "\(put.text)")
            let items = put.json["items"] as? [[String: Any]] ?? []
            #expect(items.compactMap { $0["weekday"] as? Int } == [1, 3])
            #expect(items.first?["start"] as? String == "09:00" && items.first?["end"] as? String == "12:00")
            #expect(items.first?["slot_minutes"] as? Int == 20)
            let read = try await app.send(.GET, path, token: t[.receptionist].token)
            #expect((read.json["items"] as? [[String: Any]])?.count == 2)

            // A PUT replaces, it does not add.
            #expect(try await app.send(.PUT, path, token: t[.facilityAdmin].token,
                                       json: Self.schedule(t.f1.id!, [windows[0]])).status == .ok)
            #expect((try await app.send(.GET, path, token: t[.doctor].token).json["items"] as? [Any])?.count == 1)
            #expect(try await app.send(.PUT, path, token: t[.groupAdmin].token, json: Self.schedule(t.f1.id!, [])).status == .ok)
            #expect((try await app.send(.GET, path, token: t[.doctor].token).json["items"] as? [Any])?.isEmpty == true)

            for user in [t[.nurse], t[.receptionist], t[.patient], t.f2Admin] {
                let res = try await app.send(.PUT, path, token: user.token, json: Self.schedule(t.f1.id!, windows))
                #expect(res.status == .forbidden, "\(user.email): \(res.status)")
            }
            #expect(try await app.send(.GET, path, token: t[.patient].token).status == .forbidden)
            #expect(try await app.send(.GET, "/api/v1/doctors/\(t[.nurse].id)/availability", token: t[.groupAdmin].token).status == .notFound)
        }
    }

    @Test("a schedule names every bad window and member", arguments: TestBackend.enabled)
    func validation(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "avail-bad")
            let path = "/api/v1/doctors/\(t[.doctor].id)/availability"
            let res = try await app.send(.PUT, path, token: t[.doctor].token, json: Self.schedule(t.f1.id!, [
                ["weekday": 1, "start": "09:00", "end": "12:00", "slot_minutes": 30],
                ["weekday": 1, "start": "11:00", "end": "13:00", "slot_minutes": 30],
                ["weekday": 9, "start": "25:00", "end": "12:00", "slot_minutes": 2, "room": "4B"],
                ["weekday": 2, "start": "10:00", "end": "09:00", "slot_minutes": 30],
            ]))
            #expect(res.status == .unprocessableEntity)
            let errors = (res.json["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String }
            #expect(Set(errors) == ["windows[2].weekday", "windows[2].start", "windows[2].slot_minutes", "windows[2].room"], "\(errors)")
            // Once the members are well-formed, the schedule itself is checked.
            let overlap = try await app.send(.PUT, path, token: t[.doctor].token, json: Self.schedule(t.f1.id!, [
                ["weekday": 1, "start": "09:00", "end": "12:00", "slot_minutes": 30],
                ["weekday": 1, "start": "11:00", "end": "13:00", "slot_minutes": 30],
                ["weekday": 2, "start": "10:00", "end": "09:00", "slot_minutes": 30],
            ]))
            #expect(Set((overlap.json["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String }) == ["windows[1]", "windows[2].end"])
            let missing = try await app.send(.PUT, path, token: t[.doctor].token, json: jsonBody(["facility_id": t.f1.id!.uuidString]))
            #expect((missing.json["errors"] as? [[String: Any]])?.first?["field"] as? String == "windows")
            let elsewhere = try await app.send(.PUT, path, token: t[.groupAdmin].token, json: Self.schedule(t.f2.id!, []))
            #expect(elsewhere.status == .unprocessableEntity)
            #expect((elsewhere.json["errors"] as? [[String: Any]])?.first?["field"] as? String == "facility_id")
        }
    }

    @Test("exceptions: the doctor or admins add and remove them; one without facility is the group admin's", arguments: TestBackend.enabled)
    func exceptions(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "leave")
            let path = "/api/v1/doctors/\(t[.doctor].id)/exceptions"
            func body(_ from: String, _ to: String, facility: UUID?, reason: String = "leave") -> String {
                var b: [String: Any] = ["starts_at": from, "ends_at": to, "reason": reason]
                if let facility { b["facility_id"] = facility.uuidString }
                return jsonBody(b)
            }
            let leave = try await app.send(.POST, path, token: t[.doctor].token,
                                           json: body("2030-08-01T00:00:00Z", "2030-08-15T00:00:00Z", facility: nil))
            #expect(leave.status == .created, "\(leave.text)")
            #expect(leave.json["facility_id"] is NSNull && leave.json["reason"] as? String == "leave")
            let holiday = try await app.send(.POST, path, token: t[.facilityAdmin].token,
                                             json: body("2030-07-04T00:00:00+02:00", "2030-07-05T00:00:00+02:00", facility: t.f1.id!, reason: "holiday"))
            #expect(holiday.status == .created, "\(holiday.text)")
            #expect(holiday.json["starts_at"] as? String == "2030-07-03T22:00:00Z")
            // Everywhere-exceptions are beyond a facility admin; f2's admin cannot touch f1.
            #expect(try await app.send(.POST, path, token: t[.facilityAdmin].token,
                                       json: body("2030-09-01T00:00:00Z", "2030-09-02T00:00:00Z", facility: nil)).status == .forbidden)
            #expect(try await app.send(.POST, path, token: t.f2Admin.token,
                                       json: body("2030-09-01T00:00:00Z", "2030-09-02T00:00:00Z", facility: t.f1.id!)).status == .forbidden)
            #expect(try await app.send(.POST, path, token: t[.groupAdmin].token,
                                       json: body("2030-09-01T00:00:00Z", "2030-09-02T00:00:00Z", facility: nil, reason: "other")).status == .created)
            let bad = try await app.send(.POST, path, token: t[.doctor].token,
                                         json: body("2030-09-02T00:00:00Z", "2030-09-01T00:00:00Z", facility: nil, reason: "sick"))
            #expect(Set((bad.json["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String }) == ["reason"])
            let backwards = try await app.send(.POST, path, token: t[.doctor].token,
                                               json: body("2030-09-02T00:00:00Z", "2030-09-01T00:00:00Z", facility: nil))
            #expect((backwards.json["errors"] as? [[String: Any]])?.first?["field"] as? String == "ends_at")

            let list = try await app.send(.GET, path, token: t[.receptionist].token)
            #expect((list.json["items"] as? [[String: Any]])?.compactMap { $0["reason"] as? String } == ["holiday", "leave", "other"])
            let later = try await app.send(.GET, path + "?from=2030-08-20T00:00:00Z&limit=1", token: t[.nurse].token)
            #expect((later.json["items"] as? [[String: Any]])?.compactMap { $0["reason"] as? String } == ["other"])
            #expect(later.json["next_cursor"] is NSNull)
            let firstPage = try await app.send(.GET, path + "?limit=2", token: t[.nurse].token)
            let cursor = try #require(firstPage.json["next_cursor"] as? String)
            let secondPage = try await app.send(.GET, path + "?limit=2&cursor=\(cursor)", token: t[.nurse].token)
            #expect((secondPage.json["items"] as? [[String: Any]])?.compactMap { $0["reason"] as? String } == ["other"])

            let leaveID = try #require(leave.json["id"] as? String)
            #expect(try await app.send(.DELETE, "\(path)/\(leaveID)", token: t[.facilityAdmin].token).status == .forbidden)
            #expect(try await app.send(.DELETE, "\(path)/\(leaveID)", token: t[.doctor].token).status == .noContent)
            #expect(try await app.send(.DELETE, "\(path)/\(leaveID)", token: t[.doctor].token).status == .notFound)
            #expect(try await app.send(.GET, path, token: t[.billing].token).status == .forbidden)
            // Another tenant's doctor is not found.
            let other = try await Fixtures.tenant(app, slug: "leave-other")
            #expect(try await app.send(.GET, "/api/v1/doctors/\(other[.doctor].id)/exceptions", token: t[.groupAdmin].token).status == .notFound)
            #expect(try await app.send(.DELETE, "/api/v1/doctors/\(t[.doctor].id)/exceptions/\(UUID())", token: t[.doctor].token).status == .notFound)
        }
    }
}
