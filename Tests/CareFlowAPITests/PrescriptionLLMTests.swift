@testable import CareFlowAPI
import CareFlowCore
import Fluent
import Foundation
import Synchronization
import Testing
import VaporTesting

/// Issue 13, prescription analysis with a language model: the tenant's `openai` adapter against
/// a fake OpenAI-compatible server on 127.0.0.1. The prescription leaves de-identified, the
/// answer says `source: llm`, CareFlow's interaction table adds what the model missed, and an
/// unusable answer or a provider outage is a problem response with nothing stored.
@Suite("Prescription analysis through the tenant's LLM")
struct PrescriptionLLMTests {
    static let slug = "rx-llm"

    /// A model's answer to the prescription below: it repeats the patient's placeholder in a
    /// warning and, like models do, misses the warfarin–ibuprofen interaction.
    static let answer = """
        {"medications":[
          {"name":"Warfarin","dose":"5","unit":"mg","route":"oral","frequency":"once a day","duration_days":null,
           "warnings":["Ask [PATIENT_GIVEN_NAME] to report any bleeding"]},
          {"name":"Ibuprofen","dose":"400","unit":"mg","route":"oral","frequency":"3 times a day","duration_days":5,"warnings":[]}],
         "interactions":[]}
        """

    static func prescription(mrn: String) -> String {
        """
        Patient: Aline Uwase, MRN \(mrn), DOB 12/04/1988, tel +250788123456
        Warfarin 5 mg PO OD
        Ibuprofen 400 mg PO TID x 5 days
        """
    }

    static func withTenant<T>(_ backend: TestBackend, _ fake: FakeChatCompletions,
                              _ body: (Application, TestTenant, UUID, String) async throws -> T) async throws -> T {
        try await withCareFlow(backend, tenantFiles: ["\(slug).yaml": fake.tenantFile(slug: slug)],
                               configure: { $0.secretEnvironment = FakeChatCompletions.secretEnvironment }) { app in
            let t = try await Fixtures.tenant(app, slug: slug)
            let patient = try await Fixtures.patient(app, t, given: "Aline", family: "Uwase", phone: "+250788123456")
            let view = try await app.services.patients.read(patient, in: RequestContext(
                scope: TenantScope(tenantID: t.id, db: app.db), principal: .system(tenantID: t.id), origin: .none))
            return try await body(app, t, patient, view.mrn)
        }
    }

    @Test("the LLM answers, de-identified; source llm; the table's interaction added; stored with its exchange",
          arguments: TestBackend.enabled)
    func llmPath(backend: TestBackend) async throws {
        try await withFakeChatCompletions({ _ in .content(Self.answer) }) { fake in
            try await Self.withTenant(backend, fake) { app, t, patient, mrn in
                let res = try await app.send(.POST, "/api/v1/patients/\(patient)/prescriptions/analyze", token: t[.doctor].token,
                                             json: jsonBody(["text": Self.prescription(mrn: mrn)]))
                #expect(res.status == .ok, "\(res.text)")
                #expect(res.json["source"] as? String == "llm")
                let meds = res.json["medications"] as? [[String: Any]] ?? []
                #expect(meds.compactMap { $0["name"] as? String } == ["Warfarin", "Ibuprofen"])
                #expect(meds.first?["warnings"] as? [String] == ["Ask Aline to report any bleeding"])
                #expect(meds.last?["duration_days"] as? Int == 5)
                let interactions = res.json["interactions"] as? [[String: Any]] ?? []
                #expect(interactions.count == 1)
                #expect(Set((interactions.first?["between"] as? [String] ?? []).map { $0.lowercased() }) == ["warfarin", "ibuprofen"])
                #expect(interactions.first?["severity"] as? String == "major")

                // What the provider received: the prescription without the patient.
                let sent = try #require(fake.rawBodies.first)
                #expect(fake.bodies.count == 1)
                for identifier in ["Aline", "Uwase", mrn, "788123456", "12/04/1988"] {
                    #expect(!sent.contains(identifier), "\(identifier) was sent to the provider")
                }
                #expect(sent.contains("Warfarin 5 mg PO OD") && sent.contains("[PATIENT_NAME]"))
                #expect(sent.contains(#""name":"prescription_analysis""#))

                let stored = try #require(try await PrescriptionAssessment.query(on: app.db).filter(\.$patientID == patient).first())
                #expect(stored.source == .llm && stored.id?.uuidString == res.json["id"] as? String)
                let exchange = try #require(try await LLMExchange.query(on: app.db).first())
                #expect(stored.llmExchangeID == exchange.id && exchange.purpose == "prescription" && exchange.outcome == .ok)
                let audited = try await AuditEvent.query(on: app.db).filter(\.$tenantID == t.id)
                    .filter(\.$action ~~ ["llm.request", "prescription.analyzed"]).all()
                #expect(Set(audited.map(\.action)) == ["llm.request", "prescription.analyzed"])
                #expect(audited.first { $0.action == "prescription.analyzed" }?.details.contains("\"source\":\"llm\"") == true)
            }
        }
    }

    @Test("an unusable answer is a 502, a provider that does not answer a 503; the exchange recorded, no assessment stored",
          arguments: TestBackend.enabled)
    func llmFailures(backend: TestBackend) async throws {
        let replies: [FakeChatCompletions.Reply] = [
            // A third medicine in an interaction is not an interaction between two.
            .content(#"{"medications":[{"name":"Warfarin","dose":"5","unit":"mg","route":"oral","frequency":"once a day","duration_days":null,"warnings":[]}],"interactions":[{"between":["Warfarin","Ibuprofen","Aspirin"],"severity":"major","note":"Bleeding"}]}"#),
            .refusal("I cannot help with medical questions."),
        ] + Array(repeating: .status(503, "The server is overloaded"), count: 3)
        let calls = Mutex(0)
        try await withFakeChatCompletions({ _ in calls.withLock { n in defer { n += 1 }; return replies[min(n, replies.count - 1)] } }) { fake in
            try await Self.withTenant(backend, fake) { app, t, patient, mrn in
                var statuses: [UInt] = []
                for _ in 0..<3 {
                    let res = try await app.send(.POST, "/api/v1/patients/\(patient)/prescriptions/analyze", token: t[.doctor].token,
                                                 json: jsonBody(["text": Self.prescription(mrn: mrn)]))
                    #expect(res.isProblem, "\(res.text)")
                    #expect(!res.text.contains("Aline") && !res.text.contains("Warfarin"), "the problem repeats the prescription")
                    statuses.append(res.status.code)
                }
                #expect(statuses == [502, 502, 503])
                #expect(try await PrescriptionAssessment.query(on: app.db).count() == 0)
                #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "prescription.analyzed").count() == 0)
                let outcomes = try await LLMExchange.query(on: app.db).all().map(\.outcome)
                #expect(outcomes.sorted { $0.rawValue < $1.rawValue } == [.error, .malformed, .refused])
            }
        }
    }
}
