@testable import CareFlowAPI
import CareFlowCore
import Fluent
import Foundation
import Testing
import VaporTesting

@Suite("Available slots")
struct SlotTests {
    static func localTimes(_ res: TestingHTTPResponse) -> [String] {
        (res.json["items"] as? [[String: Any]] ?? []).compactMap { $0["local_time"] as? String }
    }

    static func starts(_ res: TestingHTTPResponse) -> [String] {
        (res.json["items"] as? [[String: Any]] ?? []).compactMap { $0["starts_at"] as? String }
    }

    @Test("slots follow the facility's wall clock across both 2027 Chicago clock changes", arguments: TestBackend.enabled)
    func daylightSaving(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "dst")
            let chicago = try await SchedulingFixtures.facility(app, t, code: "chi", zone: "America/Chicago")
            let put = try await app.send(.PUT, "/api/v1/doctors/\(t[.doctor].id)/availability", token: t[.doctor].token,
                                         json: jsonBody(["facility_id": chicago.id!.uuidString, "windows": [
                                             ["weekday": 7, "start": "00:00", "end": "04:00", "slot_minutes": 30],
                                             ["weekday": 7, "start": "09:00", "end": "10:00", "slot_minutes": 60],
                                         ]]))
            #expect(put.status == .ok, "\(put.text)")
            func slots(_ date: String) async throws -> TestingHTTPResponse {
                let res = try await app.send(.GET, "/api/v1/doctors/\(t[.doctor].id)/available-slots?date=\(date)&facility_id=\(chicago.id!)",
                                             token: t[.receptionist].token)
                #expect(res.status == .ok, "\(res.text)")
                return res
            }
            // Spring forward (2027-03-14): there is no 02:00 hour.
            let spring = try await slots("2027-03-14")
            #expect(Self.localTimes(spring) == ["00:00", "00:30", "01:00", "01:30", "03:00", "03:30", "09:00"])
            #expect(Self.starts(spring).first == "2027-03-14T06:00:00Z")
            #expect(Self.starts(spring).last == "2027-03-14T14:00:00Z")
            // Fall back (2027-11-07): 01:00 and 01:30 come twice, as different instants.
            let autumn = try await slots("2027-11-07")
            #expect(Self.localTimes(autumn) == ["00:00", "00:30", "01:00", "01:30", "01:00", "01:30", "02:00", "02:30", "03:00", "03:30", "09:00"])
            #expect(Self.starts(autumn)[2] == "2027-11-07T06:00:00Z" && Self.starts(autumn)[4] == "2027-11-07T07:00:00Z")
            #expect(Self.starts(autumn).last == "2027-11-07T15:00:00Z")
            // Booking the second 01:00 (CST) leaves the first (CDT) free.
            let patient = try await Fixtures.patient(app, t)
            let booked = try await app.send(.POST, "/api/v1/appointments", token: t[.groupAdmin].token,
                                            json: SchedulingFixtures.booking(patient: patient, doctor: t[.doctor].id, facility: chicago.id!,
                                                                             startsAt: FieldReader.parseTimestamp("2027-11-07T07:00:00Z")!))
            #expect(booked.status == .created, "\(booked.text)")
            let after = try await slots("2027-11-07")
            #expect(Self.starts(after).contains("2027-11-07T06:00:00Z") && !Self.starts(after).contains("2027-11-07T07:00:00Z"))
            #expect(Self.starts(after).count == 10)
            // A Monday has no window.
            #expect(Self.localTimes(try await slots("2027-11-08")).isEmpty)
        }
    }

    @Test("bookings anywhere, exceptions and cancellations shape the free slots", arguments: TestBackend.enabled)
    func subtraction(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "free")
            try await SchedulingFixtures.openAllWeek(app, t, slotMinutes: 60)
            let patient = try await Fixtures.patient(app, t)
            let day = SchedulingFixtures.day(daysAhead: 5)
            let path = "/api/v1/doctors/\(t[.doctor].id)/available-slots?date=\(day)&facility_id=\(t.f1.id!)"
            func free() async throws -> [String] {
                Self.localTimes(try await app.send(.GET, path, token: t[.patient].token))
            }
            #expect(try await free().count == 24)
            let kigali = TimeZone(identifier: "Africa/Kigali")!
            let nine = day.instant(atMinute: 9 * 60, in: kigali)
            let booked = try await SchedulingFixtures.appointment(app, t, patient: patient, startsAt: nine)
            // A 30-minute appointment at another facility at 14:30 takes the 14:00 slot here too.
            let atF2 = try await SchedulingFixtures.facility(app, t, code: "f3", zone: "Africa/Kigali")
            try await SchedulingFixtures.appointment(app, t, patient: patient, facility: atF2.id!,
                                                     startsAt: day.instant(atMinute: 14 * 60 + 30, in: kigali))
            let leave = try await app.send(.POST, "/api/v1/doctors/\(t[.doctor].id)/exceptions", token: t[.doctor].token,
                                           json: jsonBody(["facility_id": t.f1.id!.uuidString, "reason": "other",
                                                           "starts_at": SchedulingFixtures.iso(day.instant(atMinute: 20 * 60, in: kigali)),
                                                           "ends_at": SchedulingFixtures.iso(day.next.instant(atMinute: 0, in: kigali))]))
            #expect(leave.status == .created)
            var remaining = try await free()
            #expect(!remaining.contains("09:00") && !remaining.contains("14:00") && remaining.contains("13:00") && remaining.contains("15:00"))
            #expect(remaining.count == 24 - 2 - 4)
            _ = try await app.send(.POST, "/api/v1/appointments/\(booked.id!)/cancel", token: t[.receptionist].token)
            remaining = try await free()
            #expect(remaining.contains("09:00"))
            // Without a facility: every facility where the doctor works (f1 and f3 here; f3 has no schedule).
            let all = try await app.send(.GET, "/api/v1/doctors/\(t[.doctor].id)/available-slots?date=\(day)", token: t[.nurse].token)
            #expect((all.json["items"] as? [[String: Any]])?.count == remaining.count)
        }
    }

    @Test("query validation, unknown doctors and other facilities", arguments: TestBackend.enabled)
    func badQueries(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "slotq")
            let base = "/api/v1/doctors/\(t[.doctor].id)/available-slots"
            let missing = try await app.send(.GET, base, token: t[.receptionist].token)
            #expect(missing.status == .unprocessableEntity && missing.isProblem)
            let bad = try await app.send(.GET, base + "?date=2027-02-30&facility_id=f1", token: t[.receptionist].token)
            #expect(Set((bad.json["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String }) == ["date", "facility_id"])
            let notThere = try await app.send(.GET, base + "?date=2030-01-07&facility_id=\(t.f2.id!)", token: t[.receptionist].token)
            #expect(notThere.status == .unprocessableEntity)
            #expect(try await app.send(.GET, "/api/v1/doctors/\(t[.nurse].id)/available-slots?date=2030-01-07", token: t[.receptionist].token)
                .status == .notFound)
            #expect(try await app.send(.GET, base + "?date=2030-01-07", token: t[.billing].token).status == .forbidden)
            let other = try await Fixtures.tenant(app, slug: "slotq-other")
            #expect(try await app.send(.GET, "/api/v1/doctors/\(other[.doctor].id)/available-slots?date=2030-01-07",
                                       token: t[.groupAdmin].token).status == .notFound)
        }
    }
}
