@testable import CareFlowAPI
import CareFlowCore
import Fluent
import Foundation
import SQLKit
import Testing
import VaporTesting

@Suite("Appointments")
struct AppointmentTests {
    @Test("booking a free slot; the reason is sealed and shown only to clinical readers", arguments: TestBackend.enabled)
    func bookAndRead(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "appt")
            try await SchedulingFixtures.openAllWeek(app, t)
            let patient = try await Fixtures.patient(app, t)
            let start = SchedulingFixtures.slotStart(index: 19)
            let booked = try await app.send(.POST, "/api/v1/appointments", token: t[.receptionist].token,
                                            json: SchedulingFixtures.booking(patient: patient, doctor: t[.doctor].id, facility: t.f1.id!,
                                                                             startsAt: start, reason: "Chest pain since Tuesday"))
            #expect(booked.status == .created, "\(booked.text)")
            #expect(booked.json["status"] as? String == "booked")
            #expect(booked.json["starts_at"] as? String == SchedulingFixtures.iso(start))
            #expect(booked.json["ends_at"] as? String == SchedulingFixtures.iso(start.addingTimeInterval(1800)))
            #expect(booked.json["booked_by"] as? String == t[.receptionist].id.uuidString)
            #expect(booked.json.keys.contains("reason") == false, "a receptionist must not get the reason back")
            let id = try #require(booked.json["id"] as? String)

            for role in [Role.doctor, .nurse, .patient] {
                let res = try await app.send(.GET, "/api/v1/appointments/\(id)", token: t[role].token)
                #expect(res.status == .ok, "\(role): \(res.text)")
                #expect(res.json["reason"] as? String == "Chest pain since Tuesday", "\(role)")
            }
            for role in [Role.receptionist, .facilityAdmin, .groupAdmin] {
                let res = try await app.send(.GET, "/api/v1/appointments/\(id)", token: t[role].token)
                #expect(res.status == .ok, "\(role): \(res.text)")
                #expect(res.json.keys.contains("reason") == false, "\(role) sees the reason")
                #expect(!res.text.contains("Chest pain"))
            }
            #expect(try await app.send(.GET, "/api/v1/appointments/\(id)", token: t[.billing].token).status == .forbidden)
            #expect(try await app.send(.GET, "/api/v1/appointments/\(id)", token: t.f2Admin.token).status == .forbidden)

            // At rest the reason is a Fernet token, not the text.
            let sql = try #require(app.db as? any SQLDatabase)
            let row = try #require(try await sql.raw("SELECT reason_sealed FROM appointments WHERE id = \(bind: UUID(uuidString: id)!)").first())
            let sealed = try row.decode(column: "reason_sealed", as: String.self)
            #expect(!sealed.contains("Chest") && sealed.hasPrefix("gAAAAA"))
            // Reads are audited as PHI reads of the patient; the booking as a booking.
            let reads = try await AuditEvent.query(on: app.db).filter(\.$action == "phi.read")
                .filter(\.$targetID == patient.uuidString.lowercased()).count()
            #expect(reads >= 6)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "appointment.book").filter(\.$targetID == id.lowercased()).count() == 1)
        }
    }

    @Test("50 concurrent bookings of one slot: exactly one 201, 49 × 409", arguments: TestBackend.enabled)
    func noDoubleBookingUnderConcurrency(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "race")
            try await SchedulingFixtures.openAllWeek(app, t)
            var patients: [UUID] = []
            for i in 0..<5 { patients.append(try await Fixtures.patient(app, t, given: "Race\(i)")) }
            let start = SchedulingFixtures.slotStart(index: 21)
            let statuses = try await withThrowingTaskGroup(of: (HTTPStatus, Bool).self) { group in
                for i in 0..<50 {
                    let body = SchedulingFixtures.booking(patient: patients[i % patients.count], doctor: t[.doctor].id, facility: t.f1.id!,
                                                          startsAt: start)
                    let token = (i % 2 == 0 ? t[.receptionist] : t[.facilityAdmin]).token
                    group.addTask {
                        let res = try await app.send(.POST, "/api/v1/appointments", token: token, json: body)
                        return (res.status, res.isProblem)
                    }
                }
                var all: [(HTTPStatus, Bool)] = []
                for try await s in group { all.append(s) }
                return all
            }
            #expect(statuses.filter { $0.0 == .created }.count == 1)
            #expect(statuses.filter { $0.0 == .conflict }.count == 49, "\(statuses.map(\.0.code))")
            let conflictsAreProblems = statuses.filter { $0.0 == .conflict }.allSatisfy { $0.1 }
            #expect(conflictsAreProblems, "every 409 is problem+json")
            let live = try await TenantScope(tenantID: t.id, db: app.db).query(Appointment.self)
                .filter(\.$doctorID == t[.doctor].id).filter(\.$startsAt == start).count()
            #expect(live == 1)
        }
    }

    @Test("40 concurrent bookings of different slots all succeed, each with its audit event", arguments: TestBackend.enabled)
    func concurrentDistinctBookings(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "busy")
            try await SchedulingFixtures.openAllWeek(app, t)
            let patient = try await Fixtures.patient(app, t)
            let statuses = try await withThrowingTaskGroup(of: UInt.self) { group in
                for i in 0..<40 {
                    let body = SchedulingFixtures.booking(patient: patient, doctor: t[.doctor].id, facility: t.f1.id!,
                                                          startsAt: SchedulingFixtures.slotStart(index: i))
                    group.addTask { try await app.send(.POST, "/api/v1/appointments", token: t[.receptionist].token, json: body).status.code }
                }
                var all: [UInt] = []
                for try await s in group { all.append(s) }
                return all
            }
            #expect(statuses == Array(repeating: 201, count: 40), "\(statuses)")
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "appointment.book").count() == 40)
            #expect(try await AuditChainVerifier().verify(on: app.db).ok)
        }
    }

    @Test("the database itself refuses a second live appointment of a doctor at one start", arguments: TestBackend.enabled)
    func partialUniqueIndex(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "index")
            let patient = try await Fixtures.patient(app, t)
            let start = SchedulingFixtures.slotStart(index: 3)
            try await SchedulingFixtures.appointment(app, t, patient: patient, startsAt: start)
            // Written straight to the table, past every check of the service.
            await #expect(throws: (any Error).self) {
                try await SchedulingFixtures.appointment(app, t, patient: patient, status: .confirmed, startsAt: start)
            }
            // Cancelled and ended appointments do not hold the slot.
            for status in [Appointment.Status.cancelled, .completed, .noShow, .cancelled] {
                try await SchedulingFixtures.appointment(app, t, patient: patient, status: status, startsAt: start)
            }
            // Another doctor at the same instant is fine.
            let other = try await Fixtures.user(app, tenant: t.tenant, email: "doc2@index.test", role: .doctor, facility: t.f1.id)
            try await SchedulingFixtures.appointment(app, t, patient: patient, doctor: other.id, startsAt: start)
        }
    }

    @Test("status machine: confirm, complete, cancel, no-show; invalid transitions are 409", arguments: TestBackend.enabled)
    func statusMachine(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "status")
            try await SchedulingFixtures.openAllWeek(app, t)
            let patient = try await Fixtures.patient(app, t)
            let start = SchedulingFixtures.slotStart(index: 20)
            let body = SchedulingFixtures.booking(patient: patient, doctor: t[.doctor].id, facility: t.f1.id!, startsAt: start)
            let id = try #require(try await app.send(.POST, "/api/v1/appointments", token: t[.receptionist].token, json: body).json["id"] as? String)
            let booked = id
            func post(_ change: String, as role: Role = .receptionist, id: String? = nil) async throws -> TestingHTTPResponse {
                try await app.send(.POST, "/api/v1/appointments/\(id ?? booked)/\(change)", token: t[role].token)
            }
            // Not started yet: it cannot be completed or marked no-show.
            let early = try await post("no-show")
            #expect(early.status == .conflict && early.isProblem)
            #expect(early.json["detail"] as? String == "An appointment cannot be marked as no-show before it starts")
            #expect(try await post("complete").status == .conflict)
            let confirmed = try await post("confirm", as: .doctor)
            #expect(confirmed.status == .ok && confirmed.json["status"] as? String == "confirmed", "\(confirmed.text)")
            #expect(try await post("confirm").status == .conflict)
            // The patient may cancel their own; the slot is free again.
            let cancelled = try await post("cancel", as: .patient)
            #expect(cancelled.json["status"] as? String == "cancelled", "\(cancelled.text)")
            let again = try await post("cancel")
            #expect(again.status == .conflict)
            #expect(again.json["detail"] as? String == "A cancelled appointment cannot be cancelled")
            #expect(try await post("confirm").status == .conflict)
            #expect(try await app.send(.POST, "/api/v1/appointments", token: t[.receptionist].token, json: body).status == .created)

            // Appointments that have started.
            let past = SchedulingFixtures.slotStart(index: 0, daysAhead: -2)
            let confirmedPast = try await SchedulingFixtures.appointment(app, t, patient: patient, status: .confirmed, startsAt: past)
            let done = try await post("complete", as: .doctor, id: confirmedPast.id!.uuidString)
            #expect(done.status == .ok && done.json["status"] as? String == "completed", "\(done.text)")
            for change in ["confirm", "complete", "cancel", "no-show"] {
                #expect(try await post(change, id: confirmedPast.id!.uuidString).status == .conflict, "\(change) after completed")
            }
            let bookedPast = try await SchedulingFixtures.appointment(app, t, patient: patient, startsAt: past.addingTimeInterval(3600))
            #expect(try await post("complete", id: bookedPast.id!.uuidString).status == .conflict, "completing needs a confirmation")
            #expect(try await post("no-show", id: bookedPast.id!.uuidString).json["status"] as? String == "no_show")
            // Who may: nurses and billing never; patients only cancel.
            let fresh = try await SchedulingFixtures.appointment(app, t, patient: patient)
            for (role, change) in [(Role.nurse, "confirm"), (.billing, "cancel"), (.patient, "confirm"), (.nurse, "cancel")] {
                #expect(try await post(change, as: role, id: fresh.id!.uuidString).status == .forbidden, "\(role) \(change)")
            }
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "appointment.cancelled").count() == 1)
        }
    }

    @Test("booking rules: only real free slots, only a doctor of the facility, every bad field named", arguments: TestBackend.enabled)
    func bookingRules(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "rules")
            try await SchedulingFixtures.openAllWeek(app, t)
            let patient = try await Fixtures.patient(app, t)
            func book(_ start: Date, as role: Role = .receptionist, doctor: UUID? = nil, facility: UUID? = nil, patient p: UUID? = nil)
            async throws -> TestingHTTPResponse {
                try await app.send(.POST, "/api/v1/appointments", token: t[role].token,
                                   json: SchedulingFixtures.booking(patient: p ?? patient, doctor: doctor ?? t[.doctor].id,
                                                                    facility: facility ?? t.f1.id!, startsAt: start))
            }
            let past = try await book(SchedulingFixtures.slotStart(index: 2, daysAhead: -1))
            #expect(past.status == .unprocessableEntity)
            #expect((past.json["errors"] as? [[String: Any]])?.first?["reason"] as? String == "is in the past")
            let misaligned = try await book(SchedulingFixtures.slotStart(index: 4).addingTimeInterval(600))
            #expect(misaligned.status == .unprocessableEntity)
            #expect((misaligned.json["errors"] as? [[String: Any]])?.first?["field"] as? String == "starts_at")
            let elsewhere = try await book(SchedulingFixtures.slotStart(index: 4), as: .groupAdmin, facility: t.f2.id!)
            #expect(elsewhere.status == .unprocessableEntity)
            #expect((elsewhere.json["errors"] as? [[String: Any]])?.first?["field"] as? String == "doctor_id")
            // A doctor on leave has no slots.
            let leaveStart = SchedulingFixtures.slotStart(index: 0, daysAhead: 9)
            let leave = try await app.send(.POST, "/api/v1/doctors/\(t[.doctor].id)/exceptions", token: t[.doctor].token,
                                           json: jsonBody(["starts_at": SchedulingFixtures.iso(leaveStart),
                                                           "ends_at": SchedulingFixtures.iso(leaveStart.addingTimeInterval(86_400)),
                                                           "reason": "leave"]))
            #expect(leave.status == .created, "\(leave.text)")
            #expect(try await book(leaveStart.addingTimeInterval(3600)).status == .unprocessableEntity)
            #expect(try await book(leaveStart.addingTimeInterval(86_400)).status == .created)

            // Every bad field at once.
            let bad = try await app.send(.POST, "/api/v1/appointments", token: t[.receptionist].token,
                                         json: jsonBody(["patient_id": "nope", "facility_id": t.f1.id!.uuidString,
                                                         "starts_at": "2030-01-01 09:00", "colour": "red"]))
            #expect(bad.status == .unprocessableEntity)
            let fields = Set((bad.json["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String })
            #expect(fields == ["patient_id", "doctor_id", "starts_at", "colour"])

            // Unknown ids are 404; so are another tenant's.
            let other = try await Fixtures.tenant(app, slug: "rules-other")
            let otherPatient = try await Fixtures.patient(app, other)
            let slot = SchedulingFixtures.slotStart(index: 6)
            #expect(try await book(slot, patient: UUID()).status == .notFound)
            #expect(try await book(slot, patient: otherPatient).status == .notFound)
            #expect(try await book(slot, doctor: other[.doctor].id).status == .notFound)
            #expect(try await book(slot, facility: other.f1.id!).status == .notFound)

            // Who books: the patient for themself, the doctor for their own list; not a nurse,
            // not a doctor for a colleague, not a patient for someone else.
            #expect(try await book(slot, as: .patient).status == .created)
            #expect(try await book(SchedulingFixtures.slotStart(index: 7), as: .doctor).status == .created)
            #expect(try await book(SchedulingFixtures.slotStart(index: 8), as: .nurse).status == .forbidden)
            let colleague = try await Fixtures.user(app, tenant: t.tenant, email: "colleague@rules.test", role: .doctor, facility: t.f1.id)
            try await SchedulingFixtures.openAllWeek(app, t, doctor: colleague.id)
            #expect(try await book(SchedulingFixtures.slotStart(index: 8), as: .doctor, doctor: colleague.id).status == .forbidden)
            let stranger = try await Fixtures.patient(app, t, given: "Stranger")
            let scope = TenantScope(tenantID: t.id, db: app.db)
            let strangerRow = try #require(try await scope.find(Patient.self, stranger))
            strangerRow.userID = nil
            try await scope.update(strangerRow)
            #expect(try await book(SchedulingFixtures.slotStart(index: 9), as: .patient, patient: stranger).status == .forbidden)
            #expect(try await book(SchedulingFixtures.slotStart(index: 9), as: .receptionist, patient: stranger).status == .created)
        }
    }

    @Test("lists: who sees what, upcoming / past / today, filters and cursor", arguments: TestBackend.enabled)
    func lists(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "views")
            let patient = try await Fixtures.patient(app, t)
            let otherPatient = try await Fixtures.patient(app, t, given: "Other")
            let scope = TenantScope(tenantID: t.id, db: app.db)
            let otherRow = try #require(try await scope.find(Patient.self, otherPatient))
            otherRow.userID = nil
            try await scope.update(otherRow)
            let f2Doctor = try await Fixtures.user(app, tenant: t.tenant, email: "f2-doctor@views.test", role: .doctor, facility: t.f2.id)

            let kigali = TimeZone(identifier: "Africa/Kigali")!
            let today = CalendarDay(containing: Date(), in: kigali)
            let lastMinuteToday = today.next.instant(atMinute: 0, in: kigali).addingTimeInterval(-60)
            let pastDone = try await SchedulingFixtures.appointment(app, t, patient: patient, status: .completed,
                                                                    startsAt: SchedulingFixtures.slotStart(index: 10, daysAhead: -3))
            let pastNoShow = try await SchedulingFixtures.appointment(app, t, patient: patient, status: .noShow,
                                                                      startsAt: SchedulingFixtures.slotStart(index: 10, daysAhead: -1))
            let todayLate = try await SchedulingFixtures.appointment(app, t, patient: patient, startsAt: lastMinuteToday)
            let upcoming = try await SchedulingFixtures.appointment(app, t, patient: patient, status: .confirmed,
                                                                    startsAt: SchedulingFixtures.slotStart(index: 2))
            let upcomingCancelled = try await SchedulingFixtures.appointment(app, t, patient: patient, status: .cancelled,
                                                                             startsAt: SchedulingFixtures.slotStart(index: 3))
            let otherOwn = try await SchedulingFixtures.appointment(app, t, patient: otherPatient, startsAt: SchedulingFixtures.slotStart(index: 4))
            let atF2 = try await SchedulingFixtures.appointment(app, t, patient: otherPatient, doctor: f2Doctor.id, facility: t.f2.id!,
                                                                startsAt: SchedulingFixtures.slotStart(index: 5))

            func ids(_ query: String, as user: TestUser) async throws -> [UUID] {
                let res = try await app.send(.GET, "/api/v1/appointments\(query)", token: user.token)
                #expect(res.status == .ok, "\(query): \(res.text)")
                #expect(res.json["next_cursor"] is NSNull)
                return (res.json["items"] as? [[String: Any]] ?? []).compactMap { ($0["id"] as? String).flatMap { UUID(uuidString: $0) } }
            }
            let f1All: [UUID] = [pastDone, pastNoShow, todayLate, upcoming, upcomingCancelled, otherOwn].map { $0.id! }
            #expect(try await ids("", as: t[.groupAdmin]) == f1All + [atF2.id!])
            #expect(try await ids("", as: t[.facilityAdmin]) == f1All)
            #expect(try await ids("", as: t[.nurse]) == f1All)
            #expect(try await ids("", as: t[.receptionist]) == f1All)
            #expect(try await ids("", as: t[.doctor]) == f1All)
            #expect(try await ids("", as: f2Doctor) == [atF2.id!])
            #expect(try await ids("", as: t.f2Admin) == [atF2.id!])
            #expect(try await ids("", as: t[.patient]) == [pastDone, pastNoShow, todayLate, upcoming, upcomingCancelled].map { $0.id! })
            let billing = try await app.send(.GET, "/api/v1/appointments", token: t[.billing].token)
            #expect(billing.status == .forbidden && billing.isProblem)

            #expect(try await ids("?view=upcoming", as: t[.doctor]) == [todayLate, upcoming, otherOwn].map { $0.id! })
            #expect(try await ids("?view=past", as: t[.doctor]) == [pastNoShow, pastDone].map { $0.id! })
            #expect(try await ids("?view=today", as: t[.doctor]) == [todayLate.id!])
            #expect(try await ids("?view=today", as: t[.groupAdmin]) == [todayLate.id!])
            #expect(try await ids("?view=upcoming&patient_id=\(otherPatient)", as: t[.groupAdmin]) == [otherOwn, atF2].map { $0.id! })
            #expect(try await ids("?doctor_id=\(f2Doctor.id)", as: t[.groupAdmin]) == [atF2.id!])
            #expect(try await ids("?facility_id=\(t.f2.id!)", as: t[.nurse]) == [])

            // The patient's own list never carries someone else's reason; staff lists carry none.
            let mine = try await app.send(.GET, "/api/v1/appointments", token: t[.patient].token)
            #expect((mine.json["items"] as? [[String: Any]])?.allSatisfy { $0["reason"] as? String == "Chest pain since Tuesday" } == true)
            let reception = try await app.send(.GET, "/api/v1/appointments", token: t[.receptionist].token)
            #expect(!reception.text.contains("Chest pain"))

            let bad = try await app.send(.GET, "/api/v1/appointments?view=tomorrow&doctor_id=x", token: t[.doctor].token)
            #expect(bad.status == .unprocessableEntity)
            #expect(Set((bad.json["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String }) == ["view", "doctor_id"])

            // The cursor walks the whole list once, in order, in both directions of sorting.
            for (view, expected) in [("", f1All + [atF2.id!]), ("view=past&", [pastNoShow, pastDone].map { $0.id! })] {
                var seen: [UUID] = []
                var cursor: String?
                repeat {
                    let query = "?\(view)limit=2" + (cursor.map { "&cursor=\($0)" } ?? "")
                    let res = try await app.send(.GET, "/api/v1/appointments\(query)", token: t[.groupAdmin].token)
                    seen += (res.json["items"] as? [[String: Any]] ?? []).compactMap { ($0["id"] as? String).flatMap { UUID(uuidString: $0) } }
                    cursor = res.json["next_cursor"] as? String
                } while cursor != nil
                #expect(seen == expected, "\(view)")
            }
        }
    }

    @Test("\"today\" is the facility's day, also when it has 23 or 25 hours", arguments: TestBackend.enabled)
    func todayAcrossDST(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "today")
            let chicago = try await SchedulingFixtures.facility(app, t, code: "chi", zone: "America/Chicago")
            let patient = try await Fixtures.patient(app, t)
            let admin = try await app.services.auth.authenticate(bearer: t[.groupAdmin].token)
            let scope = TenantScope(tenantID: t.id, db: app.db)
            func at(_ text: String) async throws -> Appointment {
                try await SchedulingFixtures.appointment(app, t, patient: patient, facility: chicago.id!, startsAt: FieldReader.parseTimestamp(text)!)
            }
            func today(_ now: String) async throws -> Set<UUID> {
                let page = try await app.services.appointments.list(
                    AppointmentFilters(view: .today, facilityID: chicago.id!), in: RequestContext(scope: scope, principal: admin,
                                                                                                  origin: .none),
                    page: try PageRequest(), now: FieldReader.parseTimestamp(now)!)
                return Set(page.items.map { $0.appointment.id! })
            }
            // 2027-11-07 falls back: the day runs 05:00Z–06:00Z next day (25 hours).
            let beforeFallBack = try await at("2027-11-07T04:30:00Z")   // 23:30 on the 6th
            let firstHour = try await at("2027-11-07T05:00:00Z")        // 00:00 CDT
            let lastHalfHour = try await at("2027-11-08T05:30:00Z")     // 23:30 CST
            let nextDay = try await at("2027-11-08T06:00:00Z")          // 00:00 on the 8th
            #expect(try await today("2027-11-07T18:00:00Z") == [firstHour.id!, lastHalfHour.id!])
            #expect(try await today("2027-11-08T05:59:59Z") == [firstHour.id!, lastHalfHour.id!])
            #expect(try await today("2027-11-08T06:00:00Z") == [nextDay.id!])
            #expect(try await today("2027-11-07T04:59:59Z") == [beforeFallBack.id!])
            // 2027-03-14 springs forward: 06:00Z–05:00Z next day (23 hours).
            let springLast = try await at("2027-03-15T04:30:00Z")       // 23:30 CDT on the 14th
            let springNext = try await at("2027-03-15T05:00:00Z")       // 00:00 on the 15th
            let springFirst = try await at("2027-03-14T06:00:00Z")      // 00:00 CST
            #expect(try await today("2027-03-14T12:00:00Z") == [springFirst.id!, springLast.id!])
            #expect(try await today("2027-03-15T05:00:00Z") == [springNext.id!])
        }
    }

    @Test("another tenant's appointment is not found, and nothing changes", arguments: TestBackend.enabled)
    func isolation(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let a = try await Fixtures.tenant(app, slug: "appt-a")
            let b = try await Fixtures.tenant(app, slug: "appt-b")
            let theirs = try await SchedulingFixtures.appointment(app, b, patient: try await Fixtures.patient(app, b))
            for path in ["", "/confirm", "/cancel", "/complete", "/no-show"] {
                let res = try await app.send(path.isEmpty ? .GET : .POST, "/api/v1/appointments/\(theirs.id!)\(path)", token: a[.groupAdmin].token)
                #expect(res.status == .notFound && res.isProblem, "\(path): \(res.status)")
            }
            let list = try await app.send(.GET, "/api/v1/appointments?patient_id=\(theirs.patientID)", token: a[.groupAdmin].token)
            #expect((list.json["items"] as? [Any])?.isEmpty == true)
            let after = try #require(try await TenantScope(tenantID: b.id, db: app.db).find(Appointment.self, theirs.id))
            #expect(after.status == .booked)
        }
    }
}
