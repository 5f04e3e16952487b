@testable import CareFlowAPI
@testable import CareFlowCore
import Fluent
import Foundation
import SQLKit
import Synchronization
import Testing
import VaporTesting

/// Notes → steps through the tenant's LLM (issue 13), against a fake OpenAI-compatible server on
/// 127.0.0.1: the note leaves de-identified, the answer is validated and restored, the exchange
/// stored sealed and audited (`llm.request`); an answer that breaks the schema is retried by the
/// outbox and then dead-lettered, its reason visible in `GET /api/v1/outbox`.
@Suite("Care steps through the tenant's LLM")
struct CareStepLLMTests {
    static let phone = "+250 788 123 456"
    static let nationalID = "1198880012345678"

    static func note(mrn: String) -> String {
        "Aline Uwase (MRN \(mrn), ID \(nationalID)) seen for raised blood pressure, phone \(phone). "
            + "Start amlodipine 5 mg once daily for 30 days. Recheck blood pressure in 2 weeks."
    }

    /// A model that follows the instructions, repeating a placeholder where it names the patient.
    static let answer = """
        {"checklist":[{"title":"Recheck blood pressure in 2 weeks","detail":"Bring [PATIENT_GIVEN_NAME]'s readings"}],
         "plan":[{"title":"Take amlodipine 5 mg","detail":null,"times_per_day":1,"time_of_day":"08:00","duration_days":30}]}
        """

    /// Valid JSON for the provider's schema, but a step asked 0 times a day: our rules refuse it.
    static let malformed = """
        {"checklist":[],"plan":[{"title":"Take amlodipine 5 mg","detail":null,"times_per_day":0,"time_of_day":null,"duration_days":30}]}
        """

    /// Runs `body` with a tenant `slug` whose LLM is `fake`, a patient of it with a phone and
    /// national id, and that patient's MRN.
    static func withTenant<T>(_ backend: TestBackend, _ fake: FakeChatCompletions, slug: String,
                              _ body: (Application, TestTenant, UUID, String) async throws -> T) async throws -> T {
        try await withCareFlow(backend, tenantFiles: ["\(slug).yaml": fake.tenantFile(slug: slug)], configure: {
            $0.secretEnvironment = FakeChatCompletions.secretEnvironment
            $0.outboxPolicy.maxAttempts = 3
            // Retries are due at once, so three passes are three attempts.
            $0.outboxPolicy.baseDelay = 0
        }) { app in
            let t = try await Fixtures.tenant(app, slug: slug)
            let patientID = try await Fixtures.patient(app, t, nationalID: Self.nationalID, phone: Self.phone)
            let patient = try #require(try await TenantScope(tenantID: t.id, db: app.db).find(Patient.self, patientID))
            let mrn: String = try (try await app.services.keyring.cipher(forPatient: patientID, tenantID: t.id, on: app.db)).open(patient.mrnSealed)
            return try await body(app, t, patientID, mrn)
        }
    }

    static func writeNote(_ app: Application, _ t: TestTenant, _ patientID: UUID, mrn: String) async throws {
        let res = try await app.send(.POST, "/api/v1/patients/\(patientID)/notes", token: t[.doctor].token,
                                     json: jsonBody(["body": note(mrn: mrn)]))
        #expect(res.status == .created, "\(res.text)")
    }

    @Test("success: the provider sees no name, MRN, national id or phone; steps restored; exchange sealed and audited",
          arguments: TestBackend.enabled)
    func success(backend: TestBackend) async throws {
        try await withFakeChatCompletions({ _ in .content(Self.answer) }) { fake in
            try await Self.withTenant(backend, fake, slug: "steps-llm") { app, t, patientID, mrn in
                try await Self.writeNote(app, t, patientID, mrn: mrn)
                #expect(fake.bodies.isEmpty, "nothing leaves inside the request")
                #expect(try await app.services.outboxWorker.runOnce() == 1)

                let sent = try #require(fake.rawBodies.first)
                #expect(fake.bodies.count == 1)
                #expect(sent.contains("amlodipine 5 mg"))
                for secret in ["Aline", "Uwase", mrn, Self.nationalID, "788 123 456", "788123456"] {
                    #expect(!sent.contains(secret), "\(secret) left CareFlow")
                }

                let res = try await app.send(.GET, "/api/v1/patients/\(patientID)/steps", token: t[.doctor].token)
                #expect(res.status == .ok, "\(res.text)")
                let items = res.items
                #expect(items.count == 2)
                let plan = try #require(items.first { $0["kind"] as? String == "plan" })
                #expect(plan["title"] as? String == "Take amlodipine 5 mg")
                #expect((plan["schedule"] as? [String: Any])?["times"] as? [String] == ["08:00"])
                #expect((plan["schedule"] as? [String: Any])?["duration_days"] as? Int == 30)
                let task = try #require(items.first { $0["kind"] as? String == "checklist" })
                #expect(task["detail"] as? String == "Bring Aline's readings")
                let sources = try await CareStep.query(on: app.db).all().map(\.source)
                #expect(sources == [.llm, .llm])

                let exchanges = try await (app.db as! any SQLDatabase).raw("SELECT prompt_sealed, answer_sealed, outcome FROM llm_exchanges").all()
                #expect(exchanges.count == 1)
                let prompt = try exchanges[0].decode(column: "prompt_sealed", as: String.self)
                let stored = try exchanges[0].decode(column: "answer_sealed", as: String.self)
                #expect(prompt.hasPrefix("gAAAAA") && !prompt.contains("amlodipine") && stored.hasPrefix("gAAAAA"))
                #expect(try exchanges[0].decode(column: "outcome", as: String.self) == "ok")
                let audited = try await AuditEvent.query(on: app.db).filter(\.$action == "llm.request").all()
                #expect(audited.count == 1 && audited[0].details.contains("care_steps") && !audited[0].details.contains("amlodipine"))
                let outbox = try await app.send(.GET, "/api/v1/outbox", token: t[.groupAdmin].token).items
                #expect(outbox.count == 1 && outbox.first?["status"] as? String == "sent")
            }
        }
    }

    @Test("a refused, then malformed answer is retried, then dead-lettered with its reason in GET /api/v1/outbox; no steps",
          arguments: TestBackend.enabled)
    func malformedIsRetriedThenDeadLettered(backend: TestBackend) async throws {
        let calls = Mutex(0)
        try await withFakeChatCompletions({ _ in
            calls.withLock { $0 += 1; return $0 } == 1 ? .refusal("I cannot help with that.") : .content(Self.malformed)
        }) { fake in
            try await Self.withTenant(backend, fake, slug: "steps-llm-bad") { app, t, patientID, mrn in
                try await Self.writeNote(app, t, patientID, mrn: mrn)
                let admin = t[.groupAdmin].token

                try await app.services.outboxWorker.runOnce()
                let afterFirst = try await app.send(.GET, "/api/v1/outbox", token: admin).items
                #expect(afterFirst.first?["status"] as? String == "pending" && afterFirst.first?["attempts"] as? Int == 1)
                #expect((afterFirst.first?["last_error"] as? String)?.contains("refus") == true, "\(afterFirst)")
                try await app.services.outboxWorker.runOnce()
                try await app.services.outboxWorker.runOnce()
                #expect(try await app.services.outboxWorker.runOnce() == 0, "dead after three attempts")
                #expect(fake.bodies.count == 3)

                let dead = try await app.send(.GET, "/api/v1/outbox?status=dead", token: admin).items
                #expect(dead.count == 1 && dead.first?["capability"] as? String == "llm" && dead.first?["attempts"] as? Int == 3)
                let reason = dead.first?["last_error"] as? String ?? ""
                #expect(reason.contains("times_per_day"), "\(reason)")
                #expect(!reason.contains("amlodipine") && !reason.contains("Aline"))

                let steps = try await app.send(.GET, "/api/v1/patients/\(patientID)/steps", token: t[.doctor].token)
                #expect(steps.status == .ok && steps.items.isEmpty)
                let outcomes = try await LLMExchange.query(on: app.db).all().map(\.outcome)
                #expect(outcomes.sorted { $0.rawValue < $1.rawValue } == [.malformed, .malformed, .refused])
                #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "llm.request").count() == 3)
            }
        }
    }
}
