import CareFlowCore
import ConsoleAdapter
import Foundation
import Testing

@Suite("Console and none adapters")
struct ConsoleAdapterTests {
    func journal() -> (ConsoleJournal, String) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("careflow-console-\(UUID().uuidString)").path
        return (ConsoleJournal(directory: dir, tenantSlug: "kigali-health"), dir)
    }

    func lines(_ journal: ConsoleJournal) async throws -> [[String: Any]] {
        try String(contentsOfFile: await journal.path, encoding: .utf8).split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
        }
    }

    @Test("Every capability writes one JSON line per message to <slug>.jsonl")
    func everyCapability() async throws {
        let (journal, dir) = journal()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let email = try await ConsoleEmailSender(journal: journal).send(OutgoingEmail(to: "a@example.org", subject: "S", body: "B"), idempotencyKey: "o1")
        _ = try await ConsoleSMSSender(journal: journal).send(OutgoingSMS(to: "+250788000001", body: "Hi", statusCallbackURL: "https://x/cb"), idempotencyKey: "o2")
        _ = try await ConsolePushSender(journal: journal).send(PushMessage(deviceToken: "tok", title: "T", body: "B", data: ["k": "v"]), idempotencyKey: "o3")
        let payments = ConsolePaymentGateway(journal: journal)
        let intent = try await payments.createPaymentIntent(PaymentRequest(amount: 5000, currency: "rwf"), idempotencyKey: "o4")
        #expect(try await payments.createPaymentIntent(PaymentRequest(amount: 5000, currency: "rwf"), idempotencyKey: "o4") == intent)
        #expect(try await payments.cancelPaymentIntent(id: intent.id, idempotencyKey: "o5").status == .canceled)
        let llm = try await ConsoleLLMClient(journal: journal).complete(
            LLMRequest(system: "s", user: "u", schema: json(#"{"type":"object","required":["a"],"properties":{"a":{"type":"string","enum":["x"]}}}"#),
                       schemaName: "t"), idempotencyKey: "o6")
        #expect(llm.value == json(#"{"a":"x"}"#))
        #expect(email == DeliveryReceipt(provider: "console", providerMessageID: "console-o1", status: "recorded"))

        let written = try await lines(journal)
        #expect(written.map { $0["capability"] as? String } == ["email", "sms", "push", "payments", "payments", "llm"])
        #expect(written.map { $0["idempotency_key"] as? String } == ["o1", "o2", "o3", "o4", "o5", "o6"])
        #expect(written.allSatisfy { $0["at"] is String })
        #expect(written[1]["to"] as? String == "+250788000001")
        #expect((written[2]["details"] as? [String: Any])?["data"] as? [String: String] == ["k": "v"])
    }

    @Test("none drops messages and refuses payments and completions")
    func none() async throws {
        let none = DisabledIntegration()
        #expect(try await none.send(OutgoingSMS(to: "+250788000001", body: "x"), idempotencyKey: "k").provider == "none")
        let error = await integrationError { _ = try await none.createPaymentIntent(PaymentRequest(amount: 1, currency: "usd"), idempotencyKey: "k") }
        #expect(error?.kind == .permanent)
    }
}
