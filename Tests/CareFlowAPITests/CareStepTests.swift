@testable import CareFlowAPI
@testable import CareFlowCore
import Fluent
import Foundation
import SQLKit
import Testing
import VaporTesting

/// Notes → steps (issue 13): a visit note is turned into care steps by the outbox worker (never
/// in the request), with the rules when the tenant has no LLM; a newer note supersedes the
/// open steps of earlier ones; the care team and the patient read them; the patient (or the
/// care team for them) checks them in, once a day.
@Suite("Care steps from visit notes")
struct CareStepTests {
    typealias F = RecordFixtures

    static func tenantFile(_ slug: String) -> [String: String] {
        ["\(slug).yaml": """
            slug: \(slug)
            name: Steps \(slug)
            timezone: Africa/Kigali
            integrations:
              llm: {adapter: none}
            """]
    }

    static let diabetesNote = "Type 2 diabetes, newly diagnosed. Start metformin 500 mg twice daily with meals. "
        + "Recheck HbA1c in 3 months. Walk 30 minutes daily."
    static let otitisNote = "Acute otitis media. Amoxicillin 500 mg three times daily for 7 days. "
        + "Paracetamol 1 g every 6 hours as needed for pain."

    /// Writes a note as the tenant's doctor and returns its id.
    static func note(_ app: Application, _ t: TestTenant, patient: UUID, _ text: String) async throws -> String {
        let res = try await app.send(.POST, "/api/v1/patients/\(patient)/notes", token: t[.doctor].token, json: jsonBody(["body": text]))
        #expect(res.status == .created, "\(res.text)")
        return try #require(res.json["id"] as? String).lowercased()
    }

    static func steps(_ app: Application, _ path: String, token: String) async throws -> [[String: Any]] {
        let res = try await app.send(.GET, path, token: token)
        #expect(res.status == .ok, "\(path): \(res.text)")
        return res.items
    }

    static func title(_ step: [String: Any]) -> String { (step["title"] as? String) ?? "" }

    @Test("a note becomes steps in the worker, by the rules with llm: none; schedule on the tenant's clock; sealed; audited",
          arguments: TestBackend.enabled)
    func noteBecomesSteps(backend: TestBackend) async throws {
        try await withCareFlow(backend, tenantFiles: Self.tenantFile("steps")) { app in
            let t = try await Fixtures.tenant(app, slug: "steps")
            let patient = try await Fixtures.patient(app, t)
            let base = "/api/v1/patients/\(patient)/steps"
            let noteID = try await Self.note(app, t, patient: patient, Self.diabetesNote)

            // Not in the request: the note's transaction queued one extraction, nothing else yet.
            #expect(try await Self.steps(app, base, token: t[.doctor].token).isEmpty)
            let queued = try await OutboxMessage.query(on: app.db).filter(\.$tenantID == t.id).all()
            #expect(queued.map(\.capability) == ["llm"] && queued.first?.status == .pending)

            #expect(try await app.services.outboxWorker.runOnce() == 1)
            #expect(try await OutboxMessage.query(on: app.db).filter(\.$tenantID == t.id).first()?.status == .sent)

            let steps = try await Self.steps(app, base, token: t[.doctor].token)
            #expect(steps.count == 3, "\(steps.map(Self.title))")
            let today = CalendarDay(containing: Date(), in: TimeZone(identifier: "Africa/Kigali")!).description
            let metformin = try #require(steps.first { Self.title($0).localizedCaseInsensitiveContains("metformin 500 mg") })
            #expect(Set(metformin.keys) == ["id", "note_id", "kind", "title", "detail", "schedule", "status", "created_at", "checked_in_at"])
            #expect(metformin["kind"] as? String == "plan" && metformin["status"] as? String == "open")
            #expect((metformin["note_id"] as? String)?.lowercased() == noteID)
            #expect((metformin["checked_in_at"] as? [Any])?.isEmpty == true)
            let schedule = try #require(metformin["schedule"] as? [String: Any])
            #expect(schedule["times_per_day"] as? Int == 2)
            #expect(schedule["times"] as? [String] == ["08:00", "20:00"])
            #expect(schedule["duration_days"] as? Int == 30)
            #expect(schedule["first_day"] as? String == today)
            #expect(schedule["time_zone"] as? String == "Africa/Kigali")
            let walk = try #require(steps.first { Self.title($0).localizedCaseInsensitiveContains("walk 30 minutes") })
            #expect(walk["kind"] as? String == "plan" && (walk["schedule"] as? [String: Any])?["times"] as? [String] == ["09:00"])
            let hba1c = try #require(steps.first { Self.title($0).localizedCaseInsensitiveContains("HbA1c") })
            #expect(hba1c["kind"] as? String == "checklist" && hba1c["schedule"] is NSNull)

            // A second pass has nothing to do; the rows are the note's, sealed, from the rules.
            #expect(try await app.services.outboxWorker.runOnce() == 0)
            let rows = try await (app.db as! any SQLDatabase).raw("SELECT title_sealed, detail_sealed, source FROM care_steps").all()
            #expect(rows.count == 3)
            for row in rows {
                let title = try row.decode(column: "title_sealed", as: String.self)
                #expect(title.hasPrefix("gAAAAA") && !title.localizedCaseInsensitiveContains("metformin"))
                #expect(try row.decode(column: "source", as: String.self) == "rules")
            }
            #expect(try await F.phiReads(app, patientID: patient) == ["care_steps", "care_steps"])
            let created = try await AuditEvent.query(on: app.db).filter(\.$action == AuditAction.careStepsCreate.rawValue).all()
            #expect(created.count == 1 && created.first?.targetID == noteID)
        }
    }

    @Test("reminder times keep out of the tenant file's quiet hours", arguments: TestBackend.enabled)
    func quietHours(backend: TestBackend) async throws {
        let file = ["quiet.yaml": """
            slug: quiet
            name: Quiet
            timezone: Europe/Paris
            reminders: {quiet_hours: {start: "19:00", end: "09:00"}}
            integrations:
              llm: {adapter: none}
            """]
        try await withCareFlow(backend, tenantFiles: file) { app in
            let t = try await Fixtures.tenant(app, slug: "quiet")
            let patient = try await Fixtures.patient(app, t)
            _ = try await Self.note(app, t, patient: patient, Self.diabetesNote)
            try await app.services.outboxWorker.runOnce()
            let steps = try await Self.steps(app, "/api/v1/patients/\(patient)/steps", token: t[.doctor].token)
            let metformin = try #require(steps.first { Self.title($0).localizedCaseInsensitiveContains("metformin") })
            let schedule = try #require(metformin["schedule"] as? [String: Any])
            // 08:00 and 20:00 would fall in 19:00–09:00: the morning one moves to its end, the evening one before its start.
            #expect(schedule["times"] as? [String] == ["09:00", "18:59"])
            #expect(schedule["time_zone"] as? String == "Europe/Paris")
        }
    }

    @Test("a newer note cancels the open steps of earlier ones when its own are stored; status filters", arguments: TestBackend.enabled)
    func supersede(backend: TestBackend) async throws {
        try await withCareFlow(backend, tenantFiles: Self.tenantFile("supersede")) { app in
            let t = try await Fixtures.tenant(app, slug: "supersede")
            let patient = try await Fixtures.patient(app, t)
            let other = try await Fixtures.patient(app, t, given: "Jean", family: "Habimana")
            let base = "/api/v1/patients/\(patient)/steps"
            let doctor = t[.doctor].token
            let first = try await Self.note(app, t, patient: patient, Self.otitisNote)
            _ = try await Self.note(app, t, patient: other, Self.diabetesNote)
            try await app.services.outboxWorker.runOnce()
            let firstSteps = try await Self.steps(app, base, token: doctor)
            #expect(firstSteps.count == 2)

            // Until the new note's steps are stored, the earlier ones stay open: never none.
            let second = try await Self.note(app, t, patient: patient, Self.diabetesNote)
            #expect(try await Self.steps(app, "\(base)?status=open", token: doctor).count == 2)
            try await app.services.outboxWorker.runOnce()

            let open = try await Self.steps(app, "\(base)?status=open", token: doctor)
            #expect(open.count == 3 && open.allSatisfy { ($0["note_id"] as? String)?.lowercased() == second })
            let cancelled = try await Self.steps(app, "\(base)?status=cancelled", token: doctor)
            #expect(Set(cancelled.compactMap { $0["id"] as? String }) == Set(firstSteps.compactMap { $0["id"] as? String }))
            #expect(cancelled.allSatisfy { ($0["note_id"] as? String)?.lowercased() == first })
            let rows = try await CareStep.query(on: app.db).filter(\.$noteID == UUID(uuidString: first)!).all()
            #expect(rows.count == 2 && rows.allSatisfy { $0.supersededBy?.uuidString.lowercased() == second })
            #expect(try await Self.steps(app, "\(base)?status=done", token: doctor).isEmpty)
            #expect(try await Self.steps(app, base, token: doctor).count == 5)
            // Another patient's steps are untouched.
            #expect(try await Self.steps(app, "/api/v1/patients/\(other)/steps?status=open", token: doctor).count == 3)

            let bad = try await app.send(.GET, "\(base)?status=finished", token: doctor)
            #expect(bad.status == .unprocessableEntity && bad.isProblem)
            #expect((bad.json["errors"] as? [[String: Any]])?.first?["field"] as? String == "status")
        }
    }

    @Test("who reads: care team, facility nurses, the patient (also /me/steps); others 403; another tenant's 404",
          arguments: TestBackend.enabled)
    func access(backend: TestBackend) async throws {
        try await withCareFlow(backend, tenantFiles: Self.tenantFile("steps-access")) { app in
            let t = try await Fixtures.tenant(app, slug: "steps-access")
            let other = try await Fixtures.tenant(app, slug: "steps-access-b")
            let patient = try await Fixtures.patient(app, t)
            let foreign = try await Fixtures.patient(app, other)
            _ = try await Self.note(app, t, patient: patient, Self.otitisNote)
            try await app.services.outboxWorker.runOnce()
            let base = "/api/v1/patients/\(patient)/steps"

            for user in [t[.doctor], t[.nurse], t[.patient]] {
                #expect(try await Self.steps(app, base, token: user.token).count == 2, "\(user.role)")
            }
            let outsider = try await F.outsideDoctor(app, t)
            for user in [t[.receptionist], t[.billing], t[.facilityAdmin], t[.groupAdmin], outsider] {
                let res = try await app.send(.GET, base, token: user.token)
                #expect(res.status == .forbidden && res.isProblem, "\(user.email)")
                #expect(!res.text.contains("Amoxicillin"))
            }
            let mine = try await Self.steps(app, "/api/v1/me/steps", token: t[.patient].token)
            #expect(mine.count == 2 && mine.contains { Self.title($0).contains("Amoxicillin 500 mg") })
            #expect(try await Self.steps(app, "/api/v1/me/steps?status=done", token: t[.patient].token).isEmpty)
            #expect(try await Self.steps(app, "/api/v1/me/steps", token: t[.doctor].token).isEmpty)
            #expect(try await Self.steps(app, "/api/v1/me/steps", token: other[.patient].token).isEmpty)

            let foreignRead = try await app.send(.GET, "/api/v1/patients/\(foreign)/steps", token: t[.doctor].token)
            #expect(foreignRead.status == .notFound && foreignRead.isProblem)
            let stepID = try #require(mine.first?["id"] as? String)
            for user in [other[.doctor], other[.patient], other[.nurse]] {
                let res = try await app.send(.POST, "/api/v1/steps/\(stepID)/check-in", token: user.token)
                #expect(res.status == .notFound && res.isProblem, "\(user.email)")
            }
            #expect(try await app.send(.POST, "/api/v1/steps/not-a-uuid/check-in", token: t[.patient].token).status == .notFound)
            #expect(try await app.send(.POST, "/api/v1/steps/\(stepID)/check-in", token: t[.receptionist].token).status == .forbidden)
            #expect(try await CareStepCheckIn.query(on: app.db).count() == 0)
        }
    }

    @Test("check-in: the patient or the care team for them (audited with the actor); a checklist task is done; a day once",
          arguments: TestBackend.enabled)
    func checkIn(backend: TestBackend) async throws {
        try await withCareFlow(backend, tenantFiles: Self.tenantFile("checkin")) { app in
            let t = try await Fixtures.tenant(app, slug: "checkin")
            let patient = try await Fixtures.patient(app, t)
            _ = try await Self.note(app, t, patient: patient, Self.otitisNote)
            try await app.services.outboxWorker.runOnce()
            let steps = try await Self.steps(app, "/api/v1/me/steps", token: t[.patient].token)
            let plan = try #require(steps.first { $0["kind"] as? String == "plan" })
            let task = try #require(steps.first { $0["kind"] as? String == "checklist" })
            let planID = try #require(plan["id"] as? String), taskID = try #require(task["id"] as? String)

            let byPatient = try await app.send(.POST, "/api/v1/steps/\(taskID)/check-in", token: t[.patient].token)
            #expect(byPatient.status == .created, "\(byPatient.text)")
            #expect(byPatient.json["status"] as? String == "done")
            #expect((byPatient.json["checked_in_at"] as? [Any])?.count == 1)
            let again = try await app.send(.POST, "/api/v1/steps/\(taskID)/check-in", token: t[.patient].token)
            #expect(again.status == .ok && again.json["status"] as? String == "done")
            #expect((again.json["checked_in_at"] as? [Any])?.count == 1)

            // The doctor checks the 7-day plan step in for the patient: recorded, still open.
            let byDoctor = try await app.send(.POST, "/api/v1/steps/\(planID)/check-in", token: t[.doctor].token)
            #expect(byDoctor.status == .created, "\(byDoctor.text)")
            #expect(byDoctor.json["status"] as? String == "open")
            let samePatient = try await app.send(.POST, "/api/v1/steps/\(planID)/check-in", token: t[.patient].token)
            #expect(samePatient.status == .ok && (samePatient.json["checked_in_at"] as? [Any])?.count == 1)

            let rows = try await CareStepCheckIn.query(on: app.db).sort(\.$checkedInAt).all()
            let today = CalendarDay(containing: Date(), in: TimeZone(identifier: "Africa/Kigali")!).description
            #expect(rows.count == 2 && rows.allSatisfy { $0.day == today })
            #expect(rows.map(\.channel) == [.app, .staff])
            #expect(rows.map(\.actorID) == [t[.patient].id, t[.doctor].id])

            let events = try await AuditEvent.query(on: app.db).filter(\.$action == AuditAction.careStepCheckIn.rawValue)
                .sort(\.$seq).all()
            #expect(events.map(\.actorID) == [t[.patient].id, t[.doctor].id])
            #expect(events.map(\.targetID) == [taskID.lowercased(), planID.lowercased()])
            #expect(events.map { $0.details.contains(#""channel":"app""#) } == [true, false])
            #expect(events.map { $0.details.contains(#""channel":"staff""#) } == [false, true])

            // A superseded step is not checked in any more.
            _ = try await Self.note(app, t, patient: patient, Self.diabetesNote)
            try await app.services.outboxWorker.runOnce()
            let tomorrow = CalendarDay(containing: Date().addingTimeInterval(86_400), in: TimeZone(identifier: "Africa/Kigali")!)
            await #expect(throws: AppError.self) {
                try await app.services.careStepCheckIns.checkIn(stepID: UUID(uuidString: planID)!, day: tomorrow, channel: .sms, actor: nil,
                                                               in: TenantScope(tenantID: t.id, db: app.db))
            }
        }
    }
}
