@testable import CareFlowAPI
import CareFlowCore
import Fluent
import Foundation
import Testing
import VaporTesting

/// Issue 13's "Done when", end to end through the HTTP API and real servers on 127.0.0.1: a
/// doctor's note becomes steps in the outbox worker; a week of scheduler passes reminds the plan
/// step by SMS (Twilio's wire format, to the fake Twilio) and by email (libcurl's SMTP, to a real
/// aiosmtpd server with STARTTLS and AUTH); `DONE` through the signed Twilio webhook stops that
/// day's reminders; an appointment is reminded 24 h and 2 h before and `YES` confirms it; a
/// prescription is analysed by the rules and by a fake OpenAI-compatible server. Time moves only
/// through the scheduler's `now` and the reminder clock, never by sleeping. Expectations come
/// from the issue and PRODUCT.md; the schedule's clocks are read from the API, as a client would.
@Suite("Care workflows end to end", .tags(.slow, .interop), .outsideFastLayer)
struct CareWorkflowEndToEndTests {
    static let kigali = TimeZone(identifier: "Africa/Kigali")!
    static let phone = "+250788124500"
    static let email = "aline.uwase@example.org"
    static let note = "Acute tonsillitis. Amoxicillin 500 mg three times daily for 7 days. Drink plenty of fluids. "
        + "Follow up in 2 weeks."
    static let smtpPassword = "e2e-smtp-pass"

    /// A real SMTP server requiring STARTTLS and AUTH, as a tenant's production relay would. Nil:
    /// aiosmtpd is missing and interop is not required (the test is then skipped, as SMTPOutboxTests does).
    static func smtpServer() async throws -> SMTPTestServer? {
        try await SMTPTestServer.start(["--tls", "--auth", "careflow:\(smtpPassword)"])
    }

    /// ReminderFixtures' tenant (Twilio to the fake, webhooks signed), its email through `smtp`.
    static func withTenant(_ backend: TestBackend, _ server: SMTPTestServer, clock: TestClock,
                           _ body: (Application, TestTenant, FakeTwilio) async throws -> Void) async throws {
        let email = """
            {adapter: smtp, host: 127.0.0.1, port: \(server.port), username: careflow, password: env:REM_SMTP_PASSWORD, \
            starttls: true, from: care@rem.example, ca_file: \(server.certificatePath)}
            """
        try await ReminderFixtures.with(backend, email: email, secrets: ["REM_SMTP_PASSWORD": smtpPassword], clock: clock, body)
    }

    /// The patient of the flows: a phone and an email, reminders by SMS and email (set through the API).
    static func patient(_ app: Application, _ t: TestTenant) async throws -> UUID {
        let patient = try await Fixtures.patient(app, t, phone: phone)
        let patch = try await app.send(.PATCH, "/api/v1/patients/\(patient)", token: t[.receptionist].token,
                                       json: jsonBody(["email": email, "notification_channels": ["sms", "email"]]))
        #expect(patch.status == .ok, "\(patch.text)")
        #expect(patch.json["notification_channels"] as? [String] == ["sms", "email"])
        return patient
    }

    static func instant(_ value: Any?) -> Date? {
        guard let text = value as? String else { return nil }
        let plain = ISO8601DateFormatter(), fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return plain.date(from: text) ?? fractional.date(from: text)
    }

    /// What arrived since the last look: SMS at the fake Twilio, mail at the SMTP server.
    struct Arrivals {
        var sms: [FakeTwilio.Accepted]
        var mail: [SMTPTestServer.Received]
    }

    final class Inbox {
        let fake: FakeTwilio
        let server: SMTPTestServer
        private var seenSMS = 0, seenMail = 0

        init(_ fake: FakeTwilio, _ server: SMTPTestServer) {
            self.fake = fake
            self.server = server
        }

        func new() async -> Arrivals {
            let sms = await fake.accepted, mail = server.received
            defer { (seenSMS, seenMail) = (sms.count, mail.count) }
            return Arrivals(sms: Array(sms.dropFirst(seenSMS)), mail: Array(mail.dropFirst(seenMail)))
        }
    }

    @Test("note → plan step → a week of reminders by SMS and email, each once, none in quiet hours → DONE by SMS stops that day's",
          arguments: TestBackend.enabled)
    func noteToDone(backend: TestBackend) async throws {
        guard let server = try await Self.smtpServer() else { return }
        defer { server.stop() }
        let clock = TestClock(Date())
        try await Self.withTenant(backend, server, clock: clock) { app, t, fake in
            let patient = try await Self.patient(app, t)
            let written = try await app.send(.POST, "/api/v1/patients/\(patient)/notes", token: t[.doctor].token,
                                             json: jsonBody(["body": Self.note]))
            #expect(written.status == .created, "\(written.text)")
            // Extraction runs in the outbox worker, not in the request.
            #expect(try await app.services.outboxWorker.runOnce() == 1)

            let stepsPath = "/api/v1/patients/\(patient)/steps"
            let listed = try await app.send(.GET, stepsPath, token: t[.doctor].token)
            #expect(listed.status == .ok, "\(listed.text)")
            let plans = listed.items.filter { $0["kind"] as? String == "plan" }
            // One daily action (the antibiotic); fluids and the follow-up are one-off tasks or advice.
            try #require(plans.count == 1, "\(listed.text)")
            let step = plans[0]
            let title = try #require(step["title"] as? String)
            #expect(title.localizedCaseInsensitiveContains("amoxicillin") && title.contains("500 mg"), "\(title)")
            #expect(step["status"] as? String == "open")
            let schedule = try #require(step["schedule"] as? [String: Any])
            #expect(schedule["times_per_day"] as? Int == 3 && schedule["duration_days"] as? Int == 7, "\(schedule)")
            #expect(schedule["time_zone"] as? String == "Africa/Kigali")
            let clocks = try #require(schedule["times"] as? [String])
            let firstDay = try #require((schedule["first_day"] as? String).flatMap(CalendarDay.init))
            let created = try #require(Self.instant(step["created_at"]))
            #expect(clocks.count == 3 && clocks.allSatisfy { $0 >= "07:00" && $0 < "21:00" }, "a clock in quiet hours: \(clocks)")
            let minutes = clocks.compactMap(LocalClock.init).map(\.minute)
            #expect(firstDay == CalendarDay(containing: created, in: Self.kigali), "the plan starts the day it was written")

            var days = [firstDay]
            while days.count < 9 { days.append(days.last!.next) }   // the 7 days of the plan and 2 after
            let doneDay = days[2]
            var doneAt: Date?
            let inbox = Inbox(fake, server)
            var previous = created
            var perDay: [CalendarDay: Int] = [:]
            for day in days {
                for slot in 0..<48 {
                    let at = day.instant(atMinute: slot * 30, in: Self.kigali)
                    guard at > created else { continue }   // time does not run backwards
                    let local = "\(day) \(CalendarDay.wallClock(at, in: Self.kigali))"
                    let report = try await ReminderFixtures.pass(app, at: at)
                    let arrived = await inbox.new()
                    // A clock passed since the previous pass, on a day of the plan, not checked in.
                    let checkedIn = doneAt.map { CalendarDay(containing: $0, in: Self.kigali) == day } ?? false
                    let clockPassed = minutes.contains { minute in
                        let instant = day.instant(atMinute: minute, in: Self.kigali)
                        return instant > previous && instant <= at
                    }
                    let due = day <= days[6] && !checkedIn && clockPassed
                    let expected = due ? 1 : 0
                    #expect(arrived.sms.count == expected && arrived.mail.count == expected,
                            "\(local): \(arrived.sms.count) SMS and \(arrived.mail.count) emails, expected \(expected) of each")
                    if report.quietTenants > 0 { #expect(arrived.sms.isEmpty && arrived.mail.isEmpty, "\(local) is quiet") }
                    for sms in arrived.sms {
                        #expect(sms.to == Self.phone)
                        #expect(sms.body.contains(title) && sms.body.contains("DONE"), "\(sms.body)")
                        // Readable sentences: the step's detail does not run into the instruction.
                        #expect(sms.body.hasSuffix(". Reply DONE when done.") && !sms.body.contains(".."), "\(sms.body)")
                    }
                    for mail in arrived.mail {
                        #expect(mail.rcpt_tos == [Self.email] && mail.tls && mail.auth_login == "careflow")
                        #expect(mail.parsed.subject.contains(title), "\(mail.parsed.subject)")
                        let text = mail.parsed.text ?? ""
                        #expect(text.contains(title) && text.contains("DONE"), "\(text)")
                    }
                    perDay[day, default: 0] += arrived.sms.count
                    previous = at

                    // Day 3: the patient answers the first reminder of the day ten minutes later.
                    if day == doneDay, doneAt == nil, perDay[day] == 1 {
                        let reply = at.addingTimeInterval(600)
                        clock.set(reply)
                        let done = try await ReminderFixtures.inboundSMS(app, from: Self.phone, body: "Done")
                        #expect(done.status == .ok && done.headers.contentType == .xml, "\(done.text)")
                        #expect(done.text.contains("<Message>") && done.text.contains("checked in"), "\(done.text)")
                        doneAt = reply
                        let after = try await app.send(.GET, stepsPath, token: t[.patient].token)
                        let checked = after.items.first { $0["id"] as? String == step["id"] as? String }
                        let instants = (checked?["checked_in_at"] as? [Any] ?? []).compactMap(Self.instant)
                        #expect(instants.count == 1 && instants.first.map { abs($0.timeIntervalSince(reply)) < 1 } == true,
                                "\(after.text)")
                        #expect(instants.first.map { CalendarDay(containing: $0, in: Self.kigali) } == doneDay)
                    }
                }
            }
            try #require(doneAt != nil, "no reminder on day 3 to answer")
            // Day 1 has the clocks after the note was written; day 3 only its first; then none.
            let firstDayCount = minutes.filter { firstDay.instant(atMinute: $0, in: Self.kigali) > created }.count
            #expect(days.map { perDay[$0] ?? 0 } == [firstDayCount, 3, 1, 3, 3, 3, 3, 0, 0])
            let ledger = try await ReminderFixtures.ledger(app, t)
            #expect(ledger.count == firstDayCount + 16 && Set(ledger.map(\.key)).count == ledger.count)
        }
    }

    @Test("a newer note replaces the plan: the earlier note's step is cancelled and never reminded; the new one is, by SMS and email",
          arguments: TestBackend.enabled)
    func newerNote(backend: TestBackend) async throws {
        guard let server = try await Self.smtpServer() else { return }
        defer { server.stop() }
        try await Self.withTenant(backend, server, clock: TestClock(Date())) { app, t, fake in
            let patient = try await Self.patient(app, t)
            for body in [Self.note, "Type 2 diabetes, newly diagnosed. Metformin 500 mg twice daily for 30 days. Walk daily."] {
                let written = try await app.send(.POST, "/api/v1/patients/\(patient)/notes", token: t[.doctor].token,
                                                 json: jsonBody(["body": body]))
                #expect(written.status == .created, "\(written.text)")
                try await app.services.outboxWorker.runOnce()
            }
            let steps = try await app.send(.GET, "/api/v1/patients/\(patient)/steps", token: t[.doctor].token).items
            let amoxicillin = steps.filter { ($0["title"] as? String ?? "").localizedCaseInsensitiveContains("amoxicillin") }
            #expect(!amoxicillin.isEmpty && amoxicillin.allSatisfy { $0["status"] as? String == "cancelled" }, "\(steps)")
            let open = steps.filter { $0["kind"] as? String == "plan" && $0["status"] as? String == "open" }
            let metformin = try #require(open.first { ($0["title"] as? String ?? "").localizedCaseInsensitiveContains("metformin") })
            let clocks = ((metformin["schedule"] as? [String: Any])?["times"] as? [String] ?? []).compactMap(LocalClock.init)
            #expect(clocks.count == 2, "twice daily: \(metformin)")

            // Tomorrow, at and after each clock of the day.
            let tomorrow = SchedulingFixtures.day(daysAhead: 1, zone: Self.kigali)
            let inbox = Inbox(fake, server)
            var sms: [String] = [], mail: [String] = []
            for slot in 0..<48 {
                try await ReminderFixtures.pass(app, at: tomorrow.instant(atMinute: slot * 30, in: Self.kigali))
                let arrived = await inbox.new()
                sms += arrived.sms.map(\.body)
                mail += arrived.mail.map { $0.parsed.text ?? "" }
            }
            // One reminder per open plan step and clock; the cancelled step neither reminded nor offered as "DONE n".
            let expected = open.map { (($0["schedule"] as? [String: Any])?["times"] as? [String] ?? []).count }.reduce(0, +)
            #expect(sms.count == expected && mail.count == expected, "\(sms)")
            #expect(!(sms + mail).contains { $0.localizedCaseInsensitiveContains("amoxicillin") }, "\(sms)")
            #expect(sms.filter { $0.localizedCaseInsensitiveContains("metformin") }.count >= clocks.count, "\(sms)")
        }
    }

    @Test("an appointment booked through the API: a reminder 24 h and 2 h before by SMS and email; YES by SMS confirms it, audited",
          arguments: TestBackend.enabled)
    func appointmentYes(backend: TestBackend) async throws {
        guard let server = try await Self.smtpServer() else { return }
        defer { server.stop() }
        let clock = TestClock(Date())
        try await Self.withTenant(backend, server, clock: clock) { app, t, fake in
            try await SchedulingFixtures.openAllWeek(app, t)
            let patient = try await Self.patient(app, t)
            let start = ReminderFixtures.local(daysAhead: 3, 10, zone: Self.kigali)
            let booked = try await app.send(.POST, "/api/v1/appointments", token: t[.receptionist].token,
                                            json: SchedulingFixtures.booking(patient: patient, doctor: t[.doctor].id,
                                                                             facility: t.f1.id!, startsAt: start))
            #expect(booked.status == .created, "\(booked.text)")
            let id = try #require(booked.json["id"] as? String)
            let inbox = Inbox(fake, server)
            let when = "\(CalendarDay(containing: start, in: Self.kigali)) 10:00"

            // Passes at and after each reminder's instant, and between them: one of each, once.
            for (hoursBefore, expected) in [(25.0, 0), (24, 1), (23.5, 0), (12, 0), (2, 1), (1.5, 0), (0.5, 0)] {
                try await ReminderFixtures.pass(app, at: start.addingTimeInterval(-hoursBefore * 3600))
                let arrived = await inbox.new()
                #expect(arrived.sms.count == expected && arrived.mail.count == expected,
                        "\(hoursBefore) h before: \(arrived.sms.count) SMS, \(arrived.mail.count) emails")
                for sms in arrived.sms {
                    #expect(sms.to == Self.phone && sms.body.contains(when) && sms.body.contains("YES"), "\(sms.body)")
                }
                for mail in arrived.mail {
                    #expect(mail.rcpt_tos == [Self.email] && (mail.parsed.text ?? "").contains(when), "\(mail.parsed.text ?? "")")
                }
                if hoursBefore == 2 {
                    clock.set(start.addingTimeInterval(-100 * 60))
                    let yes = try await ReminderFixtures.inboundSMS(app, from: Self.phone, body: "YES")
                    #expect(yes.status == .ok && yes.headers.contentType == .xml)
                    #expect(yes.text.contains("<Message>") && yes.text.contains("is confirmed"), "\(yes.text)")
                }
            }

            let shown = try await app.send(.GET, "/api/v1/appointments/\(id)", token: t[.receptionist].token)
            #expect(shown.status == .ok && shown.json["status"] as? String == "confirmed", "\(shown.text)")
            let audited = try await AuditEvent.query(on: app.db).filter(\.$tenantID == t.id)
                .filter(\.$action == "appointment.confirmed").all()
            #expect(audited.count == 1 && audited.first?.targetID == id.lowercased())
            #expect(audited.first?.details.contains(#""via":"sms""#) == true, "\(audited.first?.details ?? "")")
        }
    }

    /// A model's answer to the prescription below (what an OpenAI-compatible server returns).
    static let metforminAnswer = """
        {"medications":[{"name":"Metformin","dose":"500","unit":"mg","route":"oral","frequency":"twice a day",
          "duration_days":30,"warnings":["Take with meals"]}],"interactions":[]}
        """

    @Test("prescription analysis: rules with llm: none; source llm through a fake OpenAI-compatible server, the patient left out",
          arguments: TestBackend.enabled)
    func prescriptions(backend: TestBackend) async throws {
        try await withFakeChatCompletions({ _ in .content(Self.metforminAnswer) }) { fake in
            let files = ["rx-none.yaml": """
                slug: rx-none
                name: Rules clinic
                timezone: Africa/Kigali
                integrations:
                  llm: {adapter: none}
                """, "rx-fake.yaml": fake.tenantFile(slug: "rx-fake")]
            try await withCareFlow(backend, tenantFiles: files, configure: { $0.secretEnvironment = FakeChatCompletions.secretEnvironment }) { app in
                for slug in ["rx-none", "rx-fake"] {
                    let t = try await Fixtures.tenant(app, slug: slug)
                    let patient = try await Fixtures.patient(app, t, given: "Aline", family: "Uwase", phone: Self.phone)
                    let view = try await app.services.patients.read(patient, in: RequestContext(
                        scope: TenantScope(tenantID: t.id, db: app.db), principal: .system(tenantID: t.id), origin: .none))
                    let text = "Patient: Aline Uwase, MRN \(view.mrn), tel \(Self.phone)\nMetformin 500 mg PO BID x 30 days"
                    let res = try await app.send(.POST, "/api/v1/patients/\(patient)/prescriptions/analyze", token: t[.doctor].token,
                                                 json: jsonBody(["text": text]))
                    #expect(res.status == .ok, "\(slug): \(res.text)")
                    let meds = res.json["medications"] as? [[String: Any]] ?? []
                    try #require(meds.count == 1, "\(slug): \(res.text)")
                    let metformin = meds[0]
                    #expect((metformin["name"] as? String)?.lowercased() == "metformin")
                    #expect(metformin["dose"] as? String == "500" && metformin["unit"] as? String == "mg", "\(metformin)")
                    #expect(metformin["route"] as? String == "oral" && metformin["frequency"] as? String == "twice a day")
                    #expect(metformin["duration_days"] as? Int == 30)
                    #expect((res.json["interactions"] as? [Any])?.isEmpty == true)
                    if slug == "rx-none" {
                        #expect(res.json["source"] as? String == "rules")
                        #expect(fake.bodies.isEmpty, "llm: none sent the prescription to a provider")
                    } else {
                        #expect(res.json["source"] as? String == "llm")
                        let sent = try #require(fake.rawBodies.first)
                        #expect(fake.bodies.count == 1)
                        for identifier in ["Aline", "Uwase", view.mrn, "788124500"] {
                            #expect(!sent.contains(identifier), "\(identifier) was sent to the provider")
                        }
                        #expect(sent.contains("Metformin 500 mg PO BID x 30 days"))
                    }
                }
            }
        }
    }
}
