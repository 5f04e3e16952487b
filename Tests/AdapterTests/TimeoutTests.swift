import AsyncHTTPClient
import CareFlowCore
import FCMAdapter
import Foundation
import OpenAIAdapter
import SendGridAdapter
import StripeAdapter
import Testing
import TwilioAdapter

@Suite("Every adapter against a provider that never answers")
struct TimeoutTests {
    static let timeouts = IntegrationTimeouts(connect: .seconds(1), request: .seconds(2))

    /// One call per adapter, built against `baseURL`.
    static func calls(_ baseURL: String, _ http: HTTPClient) throws -> [(String, @Sendable () async throws -> Void)] {
        func settings(_ adapter: String, _ values: [String: String]) -> AdapterSettings {
            AdapterSettings(adapter: adapter, values: values.merging(["base_url": baseURL]) { $1 })
        }
        let stripe = try StripeAdapterFactory.make(settings: settings("stripe", ["secret_key": "sk_test_x"]), http: http, timeouts: timeouts)
        let twilio = try TwilioAdapterFactory.make(
            settings: settings("twilio", ["account_sid": "AC1", "auth_token": "t", "from": "+250700000000"]), http: http, timeouts: timeouts)
        let sendgrid = try SendGridAdapterFactory.make(settings: settings("sendgrid", ["api_key": "SG.x", "from": "a@b.example"]),
                                                       http: http, timeouts: timeouts)
        let fcm = try FCMAdapterFactory.make(
            settings: settings("fcm", ["service_account": FCMAdapterTests.serviceAccount(tokenURI: baseURL + "/token")]),
            http: http, timeouts: timeouts)
        let llm = try OpenAIAdapterFactory.make(settings: settings("openai", ["api_key": "k", "model": "m"]), http: http,
                                                timeouts: timeouts, retry: LLMRetryPolicy(maxAttempts: 2, initialBackoff: .milliseconds(10), maxWait: .seconds(1)))
        return [
            ("stripe", { _ = try await stripe.createPaymentIntent(PaymentRequest(amount: 1, currency: "usd"), idempotencyKey: "k") }),
            ("twilio", { _ = try await twilio.send(OutgoingSMS(to: "+250788000001", body: "x"), idempotencyKey: "k") }),
            ("sendgrid", { _ = try await sendgrid.send(OutgoingEmail(to: "p@example.org", subject: "s", body: "b"), idempotencyKey: "k") }),
            ("fcm", { _ = try await fcm.send(PushMessage(deviceToken: "t", title: "t", body: "b"), idempotencyKey: "k") }),
            ("openai", { _ = try await llm.complete(LLMRequest(system: "s", user: "u", schema: json("{}"), schemaName: "n"), idempotencyKey: "k") }),
        ]
    }

    @Test("The request deadline fires and the error is retryable, with no HTTP status")
    func timesOut() async throws {
        try await withFakeProvider(timeouts: Self.timeouts, { _ in .hang }) { fake, http in
            // The five calls at once: each has its whole deadline to get its request to the fake,
            // which counts arrivals below (a request the deadline abandoned before it was written
            // never arrives; one after the other, with a shorter deadline, a loaded machine lost one).
            let calls = try Self.calls(fake.baseURL, http)
            let started = ContinuousClock.now
            let errors = await withTaskGroup(of: (String, IntegrationError?).self) { group in
                for (provider, call) in calls { group.addTask { (provider, await integrationError(call)) } }
                return await group.reduce(into: [String: IntegrationError?]()) { $0[$1.0] = $1.1 }
            }
            #expect(errors.count == calls.count)
            for (provider, error) in errors {
                #expect(error?.kind == .retryable && error?.provider == provider && error?.httpStatus == nil, "\(provider): \(String(describing: error))")
            }
            // Not a speed test: the deadline fired (a provider that never answers would hang for ever).
            #expect(ContinuousClock.now - started < .seconds(180))
            // The LLM adapter retried once inside its call; the others left that to the outbox.
            // A request the deadline abandoned can still be arriving at the fake on a loaded
            // machine, so the count is read once it has settled.
            for _ in 0..<30 where fake.requests.count < 6 { try await Task.sleep(for: .milliseconds(100)) }
            #expect(fake.requests.count == 6)
        }
    }
}
