@testable import CareFlowAPI
import CareFlowCore
import Fluent
import Foundation
import Testing
import VaporTesting

/// Issue 13, "Appointment reminders and confirmations": 24 h and 2 h before a live appointment
/// (per tenant), by the patient's channels, each exactly once (also with two schedulers at once),
/// never in quiet hours, never for a cancelled or moved appointment; SMS `YES` / `C` confirms and
/// `NO` cancels the next appointment, audited, the slot freed. SMS arrive at a fake Twilio.
@Suite("Reminders: appointments")
struct AppointmentReminderTests {
    static let kigali = TimeZone(identifier: "Africa/Kigali")!
    static let phone = "+250788123001"

    static func expectedText(_ start: Date, zone: TimeZone = kigali, confirmed: Bool = false) -> String {
        let when = "\(CalendarDay(containing: start, in: zone)) \(CalendarDay.wallClock(start, in: zone))"
        return "Reminder: appointment at Facility One on \(when). " + (confirmed ? "Reply NO to cancel." : "Reply YES to confirm, NO to cancel.")
    }

    /// The next whole hour after the real time: passes run from there.
    static func nextHour() -> Date {
        Date(timeIntervalSince1970: (Date().timeIntervalSince1970 / 3600).rounded(.up) * 3600)
    }

    @Test("a week of hourly passes: 24 h and 2 h before, each once, by SMS to Twilio; none for a cancelled appointment",
          arguments: TestBackend.enabled)
    func week(backend: TestBackend) async throws {
        try await ReminderFixtures.with(backend) { app, t, fake in
            let patient = try await Fixtures.patient(app, t, phone: Self.phone)
            let start = ReminderFixtures.local(daysAhead: 3, 10, zone: Self.kigali)
            let appointment = try await SchedulingFixtures.appointment(app, t, patient: patient, startsAt: start)
            try await SchedulingFixtures.appointment(app, t, patient: patient, status: .cancelled,
                                                     startsAt: ReminderFixtures.local(daysAhead: 4, 10, zone: Self.kigali))
            var at = Self.nextHour()
            for _ in 0..<(7 * 24) {
                try await ReminderFixtures.pass(app, at: at)
                at = at.addingTimeInterval(3600)
            }
            let sms = await fake.accepted
            #expect(sms.map(\.to) == [Self.phone, Self.phone])
            #expect(sms.allSatisfy { $0.body == Self.expectedText(start) }, "\(sms.map(\.body))")
            let ledger = try await ReminderFixtures.ledger(app, t)
            #expect(ledger.map(\.scheduledAt) == [start.addingTimeInterval(-86_400), start.addingTimeInterval(-7_200)])
            #expect(ledger.map(\.sentAt) == ledger.map(\.scheduledAt), "hourly passes on the hour send on time")
            #expect(ledger.allSatisfy { $0.subjectID == appointment.id && $0.kind == .appointment && $0.messageIDs.count == 1 })
            #expect(ledger.first?.key == "appointment:\(appointment.id!.uuidString.lowercased()):\(SchedulingFixtures.iso(start)):86400")
        }
    }

    @Test("by the patient's channels: SMS and email when chosen; [] sends nothing; no phone and no choice sends nothing",
          arguments: TestBackend.enabled)
    func channels(backend: TestBackend) async throws {
        try await ReminderFixtures.with(backend) { app, t, fake in
            let both = try await Fixtures.patient(app, t, given: "Both", phone: "+250788123002")
            let patch = try await app.send(.PATCH, "/api/v1/patients/\(both)", token: t[.receptionist].token,
                                           json: jsonBody(["notification_channels": ["email", "sms"], "email": "both@example.org"]))
            #expect(patch.status == .ok, "\(patch.text)")
            #expect(patch.json["notification_channels"] as? [String] == ["sms", "email"])
            let none = try await Fixtures.patient(app, t, given: "None", phone: "+250788123003")
            let off = try await app.send(.PATCH, "/api/v1/patients/\(none)", token: t[.receptionist].token,
                                         json: jsonBody(["notification_channels": []]))
            #expect(off.json["notification_channels"] as? [String] == [])
            let noPhone = try await Fixtures.patient(app, t, given: "Nophone")
            let bad = try await app.send(.PATCH, "/api/v1/patients/\(none)", token: t[.receptionist].token,
                                         json: jsonBody(["notification_channels": ["pigeon"]]))
            #expect(bad.status == .unprocessableEntity && bad.text.contains("notification_channels[0]"), "\(bad.text)")
            let start = ReminderFixtures.local(daysAhead: 3, 10, zone: Self.kigali)
            for (i, patient) in [both, none, noPhone].enumerated() {
                try await SchedulingFixtures.appointment(app, t, patient: patient, startsAt: start.addingTimeInterval(Double(i) * 1800))
            }
            let report = try await ReminderFixtures.pass(app, at: start.addingTimeInterval(-86_400 + 3600))
            #expect(report.sent == 3 && report.messages == 2, "\(report)")
            #expect(await fake.accepted.map(\.to) == ["+250788123002"])
            let journal = try String(contentsOfFile: app.services.configuration.consoleDirectory + "/rem.jsonl", encoding: .utf8)
            #expect(journal.contains("both@example.org") && journal.contains("Appointment reminder"))
        }
    }

    @Test("quiet hours: a reminder due at 06:30 goes at 07:00; one due at 04:30 before a 06:30 visit never goes",
          arguments: TestBackend.enabled)
    func quietHours(backend: TestBackend) async throws {
        try await ReminderFixtures.with(backend) { app, t, fake in
            let patient = try await Fixtures.patient(app, t, phone: Self.phone)
            let start = ReminderFixtures.local(daysAhead: 3, 6, 30, zone: Self.kigali)
            try await SchedulingFixtures.appointment(app, t, patient: patient, startsAt: start)
            var at = Self.nextHour()
            var quietPasses = 0
            while at < start.addingTimeInterval(3600) {
                let report = try await ReminderFixtures.pass(app, at: at)
                if report.quietTenants > 0 {
                    quietPasses += 1
                    #expect(report.sent == 0)
                }
                at = at.addingTimeInterval(1800)
            }
            #expect(quietPasses > 0)
            let ledger = try await ReminderFixtures.ledger(app, t)
            #expect(ledger.count == 1)
            #expect(ledger.first.map { CalendarDay.wallClock($0.sentAt, in: Self.kigali) } == "07:00")
            #expect(ledger.first?.scheduledAt == start.addingTimeInterval(-86_400))
            #expect(await fake.accepted.count == 1)
        }
    }

    @Test("a worker down from 30 h to 90 min before catches up with the 2 h reminder only, once", arguments: TestBackend.enabled)
    func catchUp(backend: TestBackend) async throws {
        try await ReminderFixtures.with(backend) { app, t, fake in
            let patient = try await Fixtures.patient(app, t, phone: Self.phone)
            let start = ReminderFixtures.local(daysAhead: 3, 12, zone: Self.kigali)
            try await SchedulingFixtures.appointment(app, t, patient: patient, startsAt: start)
            #expect(try await ReminderFixtures.pass(app, at: start.addingTimeInterval(-30 * 3600)).sent == 0)
            #expect(try await ReminderFixtures.pass(app, at: start.addingTimeInterval(-5400)).sent == 1)
            #expect(try await ReminderFixtures.pass(app, at: start.addingTimeInterval(-5000)).sent == 0)
            #expect(try await ReminderFixtures.pass(app, at: start.addingTimeInterval(-60)).sent == 0)
            let ledger = try await ReminderFixtures.ledger(app, t)
            #expect(ledger.map { $0.key.hasSuffix(":7200") } == [true])
            #expect(await fake.accepted.count == 1)
        }
    }

    @Test("two schedulers and two outbox workers at once: every reminder goes out exactly once", arguments: TestBackend.enabled)
    func concurrentWorkers(backend: TestBackend) async throws {
        try await ReminderFixtures.with(backend) { app, t, fake in
            let count = 12
            var starts: [Date] = []
            for i in 0..<count {
                let patient = try await Fixtures.patient(app, t, given: "P\(i)", phone: "+25078812\(String(format: "%04d", i))")
                let start = ReminderFixtures.local(daysAhead: 2, 10, zone: Self.kigali).addingTimeInterval(Double(i) * 900)
                try await SchedulingFixtures.appointment(app, t, patient: patient, startsAt: start)
                starts.append(start)
            }
            let now = starts.last!.addingTimeInterval(-86_400 + 60)
            var sent = 0
            for round in 0..<3 {
                let at = now.addingTimeInterval(Double(round) * 60)
                let reports = try await withThrowingTaskGroup(of: ReminderPassReport.self) { group in
                    for _ in 0..<2 { group.addTask { try await app.services.reminders.runPass(now: at) } }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                sent += reports.map(\.sent).reduce(0, +)
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for _ in 0..<2 { group.addTask { while try await app.services.outboxWorker.runOnce(now: at) > 0 {} } }
                    try await group.waitForAll()
                }
            }
            #expect(sent == count)
            let ledger = try await ReminderFixtures.ledger(app, t)
            #expect(ledger.count == count && Set(ledger.map(\.key)).count == count)
            #expect(try await TenantScope(tenantID: t.id, db: app.db).query(OutboxMessage.self).count() == count)
            let accepted = await fake.accepted
            #expect(accepted.count == count && Set(accepted.map(\.to)).count == count)
        }
    }

    @Test("a moved appointment gets no stale reminder, a cancelled one none at all; the new time is reminded",
          arguments: TestBackend.enabled)
    func movedAndCancelled(backend: TestBackend) async throws {
        try await ReminderFixtures.with(backend) { app, t, fake in
            let patient = try await Fixtures.patient(app, t, phone: Self.phone)
            let start = ReminderFixtures.local(daysAhead: 3, 10, zone: Self.kigali)
            let moved = try await SchedulingFixtures.appointment(app, t, patient: patient, startsAt: start)
            let cancelled = try await SchedulingFixtures.appointment(app, t, patient: patient, startsAt: start.addingTimeInterval(1800))
            let cancel = try await app.send(.POST, "/api/v1/appointments/\(cancelled.id!)/cancel", token: t[.receptionist].token)
            #expect(cancel.status == .ok, "\(cancel.text)")
            #expect(try await ReminderFixtures.pass(app, at: start.addingTimeInterval(-86_000)).sent == 1)
            // Moved two days later (as a reschedule would).
            let later = start.addingTimeInterval(2 * 86_400)
            moved.startsAt = later
            moved.endsAt = later.addingTimeInterval(1800)
            try await TenantScope(tenantID: t.id, db: app.db).update(moved)
            #expect(try await ReminderFixtures.pass(app, at: start.addingTimeInterval(-7000)).sent == 0, "the old 2 h reminder is stale")
            #expect(try await ReminderFixtures.pass(app, at: later.addingTimeInterval(-86_000)).sent == 1)
            #expect(try await ReminderFixtures.pass(app, at: later.addingTimeInterval(-7000)).sent == 1)
            let bodies = await fake.accepted.map(\.body)
            #expect(bodies == [Self.expectedText(start), Self.expectedText(later), Self.expectedText(later)])
        }
    }

    @Test("SMS YES and C confirm the next booked appointment, NO cancels the next one and frees its slot; all audited",
          arguments: TestBackend.enabled)
    func replies(backend: TestBackend) async throws {
        try await ReminderFixtures.with(backend) { app, t, fake in
            try await SchedulingFixtures.openAllWeek(app, t)
            let patient = try await Fixtures.patient(app, t, phone: Self.phone)
            let first = try await SchedulingFixtures.appointment(app, t, patient: patient,
                                                                 startsAt: ReminderFixtures.local(daysAhead: 2, 10, zone: Self.kigali))
            let second = try await SchedulingFixtures.appointment(app, t, patient: patient,
                                                                  startsAt: ReminderFixtures.local(daysAhead: 4, 10, zone: Self.kigali))
            let scope = TenantScope(tenantID: t.id, db: app.db)

            let yes = try await ReminderFixtures.inboundSMS(app, from: Self.phone, body: "Yes")
            #expect(yes.status == .ok && yes.headers.contentType == .xml)
            #expect(yes.text.contains("<Message>Thank you: your appointment at Facility One on"), "\(yes.text)")
            #expect(yes.text.contains("is confirmed"))
            #expect(try await scope.find(Appointment.self, first.id)?.status == .confirmed)
            #expect(try await scope.find(Appointment.self, second.id)?.status == .booked)
            #expect(try await ReminderFixtures.inboundSMS(app, from: Self.phone, body: "c").text.contains("is confirmed"))
            #expect(try await scope.find(Appointment.self, second.id)?.status == .confirmed)
            #expect(try await ReminderFixtures.inboundSMS(app, from: Self.phone, body: "YES").text.contains("no appointment waiting"))

            let no = try await ReminderFixtures.inboundSMS(app, from: Self.phone, body: "NO")
            #expect(no.text.contains("is cancelled"), "\(no.text)")
            #expect(try await scope.find(Appointment.self, first.id)?.status == .cancelled)
            #expect(try await scope.find(Appointment.self, second.id)?.status == .confirmed)
            // The slot is free again: reception books it for someone else.
            let other = try await Fixtures.patient(app, t, given: "Other", phone: "+250788123099")
            let rebook = try await app.send(.POST, "/api/v1/appointments", token: t[.receptionist].token,
                                            json: SchedulingFixtures.booking(patient: other, doctor: t[.doctor].id, facility: t.f1.id!,
                                                                             startsAt: first.startsAt))
            #expect(rebook.status == .created, "\(rebook.text)")

            let audited = try await AuditEvent.query(on: app.db).filter(\.$tenantID == t.id)
                .filter(\.$action ~~ ["appointment.confirmed", "appointment.cancelled"]).sort(\.$seq).all()
            #expect(audited.map(\.action) == ["appointment.confirmed", "appointment.confirmed", "appointment.cancelled"])
            #expect(audited.map(\.targetID) == [first.id, second.id, first.id].map { $0!.uuidString.lowercased() })
            #expect(audited.allSatisfy { $0.actorID == t[.patient].id && $0.details.contains(#""via":"sms""#) }, "\(audited.map(\.details))")

            // A stranger's YES changes nothing.
            #expect(try await ReminderFixtures.inboundSMS(app, from: "+250788999999", body: "YES").text.contains("could not find"))
            // No reminder for the cancelled one (the slot's new patient gets theirs); the confirmed
            // one is reminded without "YES".
            try await ReminderFixtures.pass(app, at: first.startsAt.addingTimeInterval(-3600))
            try await ReminderFixtures.pass(app, at: second.startsAt.addingTimeInterval(-3600))
            #expect(await fake.accepted.filter { $0.to == Self.phone }.map(\.body) == [Self.expectedText(second.startsAt, confirmed: true)])
            #expect(await fake.accepted.filter { $0.to == "+250788123099" }.map(\.body) == [Self.expectedText(first.startsAt)])
        }
    }

    @Test("serve's in-process worker runs the scheduler on the system clock: a due reminder reaches Twilio; it stops on shutdown",
          arguments: TestBackend.enabled)
    func inProcessWorker(backend: TestBackend) async throws {
        // The worker runs on the system clock: quiet hours placed away from now, so the reminder is
        // due whatever the hour this test runs at (the tenant default, 21:00–07:00, held it back
        // in the evening).
        var kigali = Calendar(identifier: .gregorian)
        kigali.timeZone = TimeZone(identifier: "Africa/Kigali")!
        let hour = kigali.component(.hour, from: Date())
        let quiet = String(format: "reminders: {quiet_hours: {start: \"%02d:00\", end: \"%02d:00\"}}", (hour + 3) % 24, (hour + 5) % 24)
        try await ReminderFixtures.with(backend, extra: quiet) { app, t, fake in
            let patient = try await Fixtures.patient(app, t, phone: Self.phone)
            let start = Date().addingTimeInterval(23 * 3600)
            let appointment = try await SchedulingFixtures.appointment(app, t, patient: patient, startsAt: start)
            // Booked two days ago, so the 24 h reminder (an hour ago) is due now.
            appointment.createdAt = Date().addingTimeInterval(-2 * 86_400)
            try await Appointment.query(on: app.db).filter(\.$id == appointment.id!).set(\.$createdAt, to: appointment.createdAt).update()
            let lifecycle = OutboxWorkerLifecycle()
            try await lifecycle.didBootAsync(app)
            // Up to two minutes: under a full parallel CI run the worker's first pass took over 30 s.
            var waited = 0
            while await fake.accepted.isEmpty, waited < 1200 {
                try await Task.sleep(for: .milliseconds(100))
                waited += 1
            }
            await lifecycle.shutdownAsync(app)
            #expect(await fake.accepted.map(\.body) == [Self.expectedText(start)])
            #expect(try await ReminderFixtures.ledger(app, t).count == 1)
        }
    }
}
