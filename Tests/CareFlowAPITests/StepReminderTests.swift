@testable import CareFlowAPI
@testable import CareFlowCore
import Fluent
import Foundation
import Testing
import VaporTesting

/// Issue 13, "Reminders until check-in": each open plan step is reminded at its clocks on the
/// tenant's wall clock (also across a daylight-saving change), daily for its duration, not on a
/// day checked in (`DONE` / `DONE 2` by SMS through the signed Twilio webhook), never in quiet
/// hours, each reminder once; a worker that was down sends today's latest missed one, never
/// yesterday's. SMS arrive at a fake Twilio.
@Suite("Reminders: care steps")
struct StepReminderTests {
    static let kigali = TimeZone(identifier: "Africa/Kigali")!
    static let phone = "+250788124001"

    /// An open plan step of the patient, as extraction writes one (ids in creation order).
    @discardableResult
    static func step(_ app: Application, _ t: TestTenant, patient: UUID, title: String, clocks: [String], firstDay: CalendarDay,
                     days: Int, zone: TimeZone) async throws -> CareStep {
        let scope = TenantScope(tenantID: t.id, db: app.db)
        let cipher = try await app.services.keyring.cipher(forTenant: t.id, on: app.db)
        let note = VisitNote()
        note.patientID = patient
        note.authorID = t[.doctor].id
        note.bodySealed = try cipher.seal("Plan: \(title)")
        note.sharedWithPatient = true
        try await scope.create(note)
        let step = CareStep()
        step.id = TimeOrderedID.make()
        step.patientID = patient
        step.noteID = note.id!
        step.kind = .plan
        step.titleSealed = try cipher.seal(title)
        step.timesPerDay = clocks.count
        step.clocksText = clocks.joined(separator: ",")
        step.firstDayText = firstDay.description
        step.durationDays = days
        step.timeZone = zone.identifier
        step.status = .open
        step.source = .rules
        try await scope.create(step)
        return step
    }

    static func localClocks(_ ledger: [ReminderDelivery], zone: TimeZone = kigali) -> [String] {
        ledger.map { "\(CalendarDay(containing: $0.sentAt, in: zone)) \(CalendarDay.wallClock($0.sentAt, in: zone))" }
    }

    @Test("a week of a twice-daily step: 14 reminders at 08:00 and 20:00, each once, by SMS; none after its last day",
          arguments: TestBackend.enabled)
    func week(backend: TestBackend) async throws {
        try await ReminderFixtures.with(backend) { app, t, fake in
            let patient = try await Fixtures.patient(app, t, phone: Self.phone)
            let first = SchedulingFixtures.day(daysAhead: 1, zone: Self.kigali)
            try await Self.step(app, t, patient: patient, title: "Take amoxicillin 500 mg", clocks: ["08:00", "20:00"], firstDay: first,
                                days: 7, zone: Self.kigali)
            var at = first.instant(atMinute: 0, in: Self.kigali)
            let end = at.addingTimeInterval(9 * 86_400)
            while at < end {
                try await ReminderFixtures.pass(app, at: at)
                at = at.addingTimeInterval(1800)
            }
            let ledger = try await ReminderFixtures.ledger(app, t)
            var expected: [String] = []
            var day = first
            for _ in 0..<7 {
                expected += ["\(day) 08:00", "\(day) 20:00"]
                day = day.next
            }
            #expect(Self.localClocks(ledger) == expected)
            #expect(ledger.map(\.sentAt) == ledger.map(\.scheduledAt))
            #expect(ledger.first?.key.hasSuffix(":\(first):08:00") == true)
            let sms = await fake.accepted
            #expect(sms.count == 14 && sms.allSatisfy { $0.to == Self.phone && $0.body == "Reminder: Take amoxicillin 500 mg. Reply DONE when done." })
        }
    }

    @Test("DONE 2 and DONE by SMS check in the second and first open step for today: no more reminders that day for them",
          arguments: TestBackend.enabled)
    func doneBySMS(backend: TestBackend) async throws {
        let clock = TestClock(Date())
        try await ReminderFixtures.with(backend, clock: clock) { app, t, fake in
            let patient = try await Fixtures.patient(app, t, phone: Self.phone)
            let first = SchedulingFixtures.day(daysAhead: 1, zone: Self.kigali)
            let pills = try await Self.step(app, t, patient: patient, title: "Take metformin", clocks: ["08:00", "14:00", "20:00"],
                                            firstDay: first, days: 5, zone: Self.kigali)
            let walk = try await Self.step(app, t, patient: patient, title: "Walk 30 minutes", clocks: ["08:00", "14:00", "20:00"],
                                           firstDay: first, days: 5, zone: Self.kigali)
            func at(_ hour: Int, _ minute: Int = 0, day: CalendarDay = first) -> Date { day.instant(atMinute: hour * 60 + minute, in: Self.kigali) }

            #expect(try await ReminderFixtures.pass(app, at: at(8)).sent == 2)
            let listed = "Reply DONE 1 for Take metformin, DONE 2 for Walk 30 minutes."
            #expect(Set(await fake.accepted.map(\.body)) == ["Reminder: Take metformin. \(listed)", "Reminder: Walk 30 minutes. \(listed)"])

            clock.set(at(9))
            let done2 = try await ReminderFixtures.inboundSMS(app, from: Self.phone, body: "done 2")
            #expect(done2.status == .ok && done2.text.contains("<Message>Thank you: &quot;Walk 30 minutes&quot; is checked in for today."),
                    "\(done2.text)")
            #expect(try await ReminderFixtures.pass(app, at: at(14)).sent == 1)
            clock.set(at(15))
            #expect(try await ReminderFixtures.inboundSMS(app, from: Self.phone, body: "DONE").text.contains("Take metformin"))
            #expect(try await ReminderFixtures.pass(app, at: at(20)).sent == 0, "both checked in today")
            // The next day both are reminded again.
            #expect(try await ReminderFixtures.pass(app, at: at(8, day: first.next)).sent == 2)
            #expect(try await ReminderFixtures.inboundSMS(app, from: Self.phone, body: "DONE 3").text.contains("reply DONE 1 to DONE 2"))

            let ledger = try await ReminderFixtures.ledger(app, t)
            #expect(ledger.filter { $0.subjectID == walk.id }.count == 2)
            #expect(ledger.filter { $0.subjectID == pills.id }.count == 3)
            let checkIns = try await TenantScope(tenantID: t.id, db: app.db).query(CareStepCheckIn.self).all()
            #expect(Set(checkIns.map { "\($0.stepID) \($0.day) \($0.channel.rawValue)" })
                    == ["\(walk.id!) \(first) sms", "\(pills.id!) \(first) sms"])
            let audited = try await AuditEvent.query(on: app.db).filter(\.$tenantID == t.id).filter(\.$action == "care_step.check_in").count()
            #expect(audited == 2)
        }
    }

    @Test("a worker down sends today's latest missed reminder once, never yesterday's", arguments: TestBackend.enabled)
    func catchUp(backend: TestBackend) async throws {
        try await ReminderFixtures.with(backend) { app, t, fake in
            let patient = try await Fixtures.patient(app, t, phone: Self.phone)
            let first = SchedulingFixtures.day(daysAhead: 1, zone: Self.kigali)
            try await Self.step(app, t, patient: patient, title: "Check blood pressure", clocks: ["08:00", "14:00", "20:00"],
                                firstDay: first, days: 3, zone: Self.kigali)
            func at(_ hour: Int, _ minute: Int = 0, day: CalendarDay = first) -> Date { day.instant(atMinute: hour * 60 + minute, in: Self.kigali) }
            // Down until 16:00: the 14:00 one goes (not the 08:00 as well), once.
            #expect(try await ReminderFixtures.pass(app, at: at(16)).sent == 1)
            #expect(try await ReminderFixtures.pass(app, at: at(16, 30)).sent == 0)
            #expect(try await ReminderFixtures.pass(app, at: at(20, 10)).sent == 1)
            // Down from the evening before until 07:30: nothing of yesterday; 08:00 goes at 08:00.
            #expect(try await ReminderFixtures.pass(app, at: at(7, 30, day: first.next.next)).sent == 0)
            #expect(try await ReminderFixtures.pass(app, at: at(8, day: first.next.next)).sent == 1)
            let ledger = try await ReminderFixtures.ledger(app, t)
            #expect(ledger.map { CalendarDay.wallClock($0.scheduledAt, in: Self.kigali) } == ["14:00", "20:00", "08:00"])
            #expect(await fake.accepted.count == 3)
        }
    }

    @Test("quiet hours: a 06:00 clock goes at 07:00, a 22:00 clock never", arguments: TestBackend.enabled)
    func quietHours(backend: TestBackend) async throws {
        try await ReminderFixtures.with(backend) { app, t, fake in
            let patient = try await Fixtures.patient(app, t, phone: Self.phone)
            let first = SchedulingFixtures.day(daysAhead: 1, zone: Self.kigali)
            try await Self.step(app, t, patient: patient, title: "Drink water", clocks: ["06:00", "12:00", "22:00"],
                                firstDay: first, days: 2, zone: Self.kigali)
            var at = first.instant(atMinute: 0, in: Self.kigali)
            for _ in 0..<(3 * 48) {
                try await ReminderFixtures.pass(app, at: at)
                at = at.addingTimeInterval(1800)
            }
            let ledger = try await ReminderFixtures.ledger(app, t)
            #expect(Self.localClocks(ledger) == ["\(first) 07:00", "\(first) 12:00", "\(first.next) 07:00", "\(first.next) 12:00"])
            #expect(await fake.accepted.count == 4)
        }
    }

    /// The last Sunday of March of next year: Europe/Berlin moves from +01:00 to +02:00 at 02:00.
    static func springForward() -> CalendarDay {
        let year = CalendarDay(containing: Date(), in: TimeZone(identifier: "UTC")!).year + 1
        var day = CalendarDay(year: year, month: 3, day: 31)!
        while day.isoWeekday != 7 { day = CalendarDay(year: year, month: 3, day: day.day - 1)! }
        return day
    }

    @Test("a DST week in Europe/Berlin: the 08:00 step stays at 08:00 on the wall clock; appointment text in local time",
          arguments: TestBackend.enabled)
    func daylightSaving(backend: TestBackend) async throws {
        let berlin = TimeZone(identifier: "Europe/Berlin")!
        try await ReminderFixtures.with(backend, zone: "Europe/Berlin") { app, t, fake in
            let patient = try await Fixtures.patient(app, t, phone: Self.phone)
            let sunday = Self.springForward()
            var first = sunday
            for _ in 0..<3 { first = CalendarDay(containing: first.instant(atMinute: 0, in: berlin).addingTimeInterval(-3600), in: berlin) }
            try await Self.step(app, t, patient: patient, title: "Take the inhaler", clocks: ["08:00"], firstDay: first, days: 7, zone: berlin)
            let visit = sunday.instant(atMinute: 10 * 60, in: berlin)
            try await SchedulingFixtures.appointment(app, t, patient: patient, startsAt: visit)
            var at = first.instant(atMinute: 0, in: berlin)
            let end = at.addingTimeInterval(8 * 86_400)
            while at < end {
                try await ReminderFixtures.pass(app, at: at)
                at = at.addingTimeInterval(3600)
            }
            let ledger = try await ReminderFixtures.ledger(app, t)
            let steps = ledger.filter { $0.kind == .step }
            #expect(steps.count == 7)
            #expect(steps.allSatisfy { CalendarDay.wallClock($0.sentAt, in: berlin) == "08:00" }, "\(steps.map(\.sentAt))")
            let utcHours = steps.map { CalendarDay.wallClock($0.sentAt, in: TimeZone(identifier: "UTC")!) }
            #expect(utcHours == ["07:00", "07:00", "07:00", "06:00", "06:00", "06:00", "06:00"])
            let visits = ledger.filter { $0.kind == .appointment }
            // 24 h before 10:00 CEST on the Sunday is 09:00 CET on the Saturday.
            #expect(visits.map(\.scheduledAt) == [visit.addingTimeInterval(-86_400), visit.addingTimeInterval(-7200)])
            #expect(visits.first.map { CalendarDay.wallClock($0.sentAt, in: berlin) } == "09:00")
            let texts = await fake.accepted.map(\.body).filter { $0.hasPrefix("Reminder: appointment") }
            #expect(texts == Array(repeating: "Reminder: appointment at Facility One on \(sunday) 10:00. Reply YES to confirm, NO to cancel.", count: 2))
        }
    }
}
