@testable import CareFlowAPI
import CareFlowCore
import Fluent
import Foundation
import SQLKit
import Synchronization
import Testing

/// Issue 13: the one place CareFlow talks to a tenant's LLM about a patient. Before text leaves,
/// the patient's names, MRN, national id, phone, email and exact dates are placeholders; the
/// answer comes back with them restored; prompt and answer are stored sealed and the exchange
/// audited as `llm.request` (purpose, adapter, outcome, never the text); an unusable answer is
/// recorded and thrown as retryable, so an outbox job retries it and then dead-letters it.
@Suite("LLM exchange against a fake OpenAI-compatible server, without HTTP to CareFlow")
struct LLMExchangeServiceTests {
    static let slug = "llm-ex"
    static let phone = "+250 788 123 456"
    static let email = "aline.uwase@example.rw"
    static let nationalID = "1198880012345678"

    static func note(mrn: String) -> String {
        """
        Aline Uwase (\(mrn), ID \(nationalID), born 12/04/1988) seen on 3 March 2026 for raised blood pressure. \
        Reach her on \(phone) or \(email). Start amlodipine 5 mg once daily for 30 days. Recheck blood pressure in 2 weeks.
        """
    }

    /// A model that follows the instructions: it repeats placeholders where it needs the patient.
    static let stepsAnswer = """
        {"checklist":[{"title":"Call [PATIENT_GIVEN_NAME] on [PATIENT_PHONE] to book the recheck","detail":null}],
         "plan":[{"title":"Amlodipine 5 mg","detail":"For [PATIENT_NAME]","times_per_day":1,"time_of_day":"08:00","duration_days":30}]}
        """

    struct Setup {
        let bed: ServiceTestBed
        let context: RequestContext
        let patientID: UUID
        let mrn: String
    }

    func withSetup<T>(_ backend: TestBackend, _ fake: FakeChatCompletions, _ body: (Setup) async throws -> T) async throws -> T {
        try await ServiceTestBed.with(backend, tenantFiles: ["\(Self.slug).yaml": fake.tenantFile(slug: Self.slug)],
                                      configure: { $0.secretEnvironment = FakeChatCompletions.secretEnvironment }) { bed in
            let (tenant, facility) = try await bed.tenant(Self.slug)
            let tenantID = try tenant.requireID()
            let context = RequestContext(scope: bed.scope(tenantID), principal: .system(tenantID: tenantID), origin: .none)
            let view = try await bed.services.patients.register(
                PatientInput(givenName: "Aline", familyName: "Uwase", birthDate: "1988-04-12", sex: .female, phone: Self.phone,
                             email: Self.email, nationalID: Self.nationalID, homeFacilityID: facility.id),
                in: context)
            return try await body(Setup(bed: bed, context: context, patientID: try view.patient.requireID(), mrn: view.mrn))
        }
    }

    static func request(_ setup: Setup) -> LLMExchangeService.Request {
        LLMExchangeService.Request(purpose: .careSteps, patientID: setup.patientID, text: note(mrn: setup.mrn),
                                   instructions: "Turn the visit note into steps the patient follows.",
                                   schema: ExtractedSteps.jsonSchema, schemaName: "care_steps")
    }

    static func exchanges(_ setup: Setup) async throws -> [LLMExchange] {
        try await setup.context.scope.query(LLMExchange.self).filter(\.$patientID == setup.patientID).all()
    }

    static func audited(_ setup: Setup) async throws -> [AuditEvent] {
        try await AuditEvent.query(on: setup.bed.db).filter(\.$tenantID == setup.context.tenantID)
            .filter(\.$action == "llm.request").all()
    }

    @Test("the provider sees placeholders, never the patient; the answer comes back restored, sealed and audited",
          arguments: TestBackend.enabled)
    func deidentifiedRestoredSealedAudited(backend: TestBackend) async throws {
        try await withFakeChatCompletions({ _ in .content(Self.stepsAnswer) }) { fake in
            try await withSetup(backend, fake) { setup in
                let answer = try await setup.bed.services.llmExchanges.complete(Self.request(setup), in: setup.context,
                                                                               validate: ExtractedSteps.init(validating:))

                // What went over the wire.
                let sent = try #require(fake.rawBodies.first)
                #expect(fake.bodies.count == 1)
                for identifier in ["Aline", "Uwase", setup.mrn, "788 123 456", "788123456", Self.email, Self.nationalID,
                                   "12/04/1988", "1988", "3 March 2026"] {
                    #expect(!sent.contains(identifier), "\(identifier) left for the provider")
                }
                #expect(sent.contains("amlodipine 5 mg once daily for 30 days"), "the clinical content is sent")
                #expect(sent.contains("[PATIENT_NAME]") && sent.contains("[PATIENT_PHONE]") && sent.contains("[PATIENT_EMAIL]")
                        && sent.contains("[PATIENT_MRN]") && sent.contains("[PATIENT_NATIONAL_ID]")
                        && sent.contains("[PATIENT_BIRTH_DATE]"))
                #expect(sent.contains(#""name":"care_steps""#) && sent.contains(#""type":"json_schema""#))

                // What the caller gets: the patient back in place.
                #expect(answer.value.checklist.map(\.title) == ["Call Aline on +250 788 123 456 to book the recheck"])
                #expect(answer.value.plan.map(\.detail) == ["For Aline Uwase"])
                #expect(answer.value.plan.first?.durationDays == 30)
                #expect(answer.adapter == "openai")

                // What is stored: one row, sealed, with what was sent and what came back.
                let rows = try await Self.exchanges(setup)
                let row = try #require(rows.first)
                #expect(rows.count == 1 && row.id == answer.exchangeID)
                #expect(row.outcome == .ok && row.purpose == "care_steps" && row.adapter == "openai" && row.errorReason == nil)
                let sql = try #require(setup.bed.db as? any SQLDatabase)
                let raw = try #require(try await sql.raw("SELECT prompt_sealed, answer_sealed FROM llm_exchanges WHERE id = \(bind: answer.exchangeID)").first())
                let prompt = try raw.decode(column: "prompt_sealed", as: String.self)
                let stored = try raw.decode(column: "answer_sealed", as: String.self)
                #expect(!prompt.contains("amlodipine") && !prompt.contains("PATIENT"), "the prompt column is not plaintext")
                #expect(!stored.contains("Amlodipine") && !stored.contains("checklist"), "the answer column is not plaintext")
                // Under the patient's own key (crypto-shredding, issue 16).
                let cipher = try await setup.bed.services.keyring.cipher(forPatient: setup.patientID, tenantID: setup.context.tenantID,
                                                                         on: setup.bed.db)
                let opened = try cipher.open(row.promptSealed)
                #expect(opened.text.contains("[PATIENT_NAME]") && !opened.text.contains("Aline"))
                #expect(try cipher.open(row.answerSealed) == JSONDecoder().decode(JSONValue.self, from: Data(Self.stepsAnswer.utf8)))

                // What is audited: purpose, adapter and outcome, never the text.
                let events = try await Self.audited(setup)
                let event = try #require(events.first)
                #expect(events.count == 1 && event.outcome == "success" && event.targetID == answer.exchangeID.uuidString.lowercased())
                let details = try JSONDecoder().decode([String: String].self, from: Data(event.details.utf8))
                #expect(details["purpose"] == "care_steps" && details["adapter"] == "openai" && details["outcome"] == "ok")
                #expect(!event.details.contains("amlodipine") && !event.details.contains("Aline"))
            }
        }
    }

    @Test("an answer that breaks the caller's rules, is not JSON, or is refused is recorded and thrown as retryable",
          arguments: TestBackend.enabled)
    func unusableAnswers(backend: TestBackend) async throws {
        // One reply per call, in order.
        let replies: [FakeChatCompletions.Reply] = [
            // Valid against the schema, but a plan step of 400 days breaks ExtractedSteps' rules.
            .content(#"{"checklist":[],"plan":[{"title":"Amlodipine","detail":null,"times_per_day":1,"time_of_day":null,"duration_days":400}]}"#),
            .content("Sure! Here are the steps for the patient."),
            .refusal("I can't help with that."),
        ]
        let calls = Mutex(0)
        try await withFakeChatCompletions({ _ in calls.withLock { n in defer { n += 1 }; return replies[min(n, replies.count - 1)] } }) { fake in
            try await withSetup(backend, fake) { setup in
                var thrown: [IntegrationError] = []
                for _ in replies {
                    do {
                        _ = try await setup.bed.services.llmExchanges.complete(Self.request(setup), in: setup.context,
                                                                               validate: ExtractedSteps.init(validating:))
                        Issue.record("an unusable answer was accepted")
                    } catch let error as IntegrationError {
                        thrown.append(error)
                    }
                }
                #expect(thrown.map(\.kind) == [.retryable, .retryable, .retryable])
                #expect(thrown.map(\.providerCode) == ["malformed", "malformed", "refused"])
                #expect(thrown.first?.message.contains("duration_days") == true, "the reason names the field")

                let rows = try await Self.exchanges(setup).sorted { $0.id!.uuidString < $1.id!.uuidString }
                #expect(rows.map(\.outcome) == [.malformed, .malformed, .refused])
                #expect(rows.allSatisfy { $0.errorReason?.isEmpty == false })
                #expect(rows.allSatisfy { !($0.errorReason ?? "").contains("Aline") })
                // The answer that came back is kept (sealed) when there was one to keep.
                #expect(rows.first?.answerSealed != nil)
                let events = try await Self.audited(setup)
                #expect(events.count == 3 && events.allSatisfy { $0.outcome == "failure" })
            }
        }
    }

    @Test("a provider that refuses the credentials: recorded as error, the adapter's error thrown unchanged",
          arguments: TestBackend.enabled)
    func providerError(backend: TestBackend) async throws {
        try await withFakeChatCompletions({ _ in .status(401, "Incorrect API key provided") }) { fake in
            try await withSetup(backend, fake) { setup in
                await #expect(throws: IntegrationError.self) {
                    try await setup.bed.services.llmExchanges.complete(Self.request(setup), in: setup.context,
                                                                       validate: ExtractedSteps.init(validating:))
                }
                let rows = try await Self.exchanges(setup)
                #expect(rows.map(\.outcome) == [.error] && rows.first?.answerSealed == nil)
                #expect(rows.first?.errorReason?.contains("401") == true)
            }
        }
    }
}
