import AsyncHTTPClient
import CareFlowCore
import Foundation
import SendGridAdapter
import Testing

@Suite("SendGrid adapter against a fake SendGrid")
struct SendGridAdapterTests {
    static let apiKey = "SG.careflow-test.api-key-secret"

    func sender(_ fake: FakeProvider, _ http: HTTPClient) throws -> any EmailSender {
        try SendGridAdapterFactory.make(
            settings: AdapterSettings(adapter: "sendgrid", values: ["api_key": Self.apiKey, "from": "care@kigali-health.example",
                                                                    "base_url": fake.baseURL]),
            http: http)
    }

    static let accepted = FakeProvider.Action.reply(
        FakeProvider.Reply(status: 202, headers: [("X-Message-Id", "W9Lw1XwVQ6SdSAyhz5sWRw")]))

    @Test("mail/send: bearer key, JSON with text/plain before text/html and outbox_id; 202 keeps X-Message-Id")
    func send() async throws {
        try await withFakeProvider({ _ in Self.accepted }) { fake, http in
            let receipt = try await sender(fake, http).send(
                OutgoingEmail(to: "patient@example.org", toName: "A. Patient", subject: "Your appointment",
                              body: "See you at 09:00.", html: "<p>See you at <b>09:00</b>.</p>"),
                idempotencyKey: "outbox-mail-1")
            let request = try #require(fake.requests.first)
            #expect(request.method == "POST" && request.uri == "/v3/mail/send")
            #expect(request.header("Authorization") == "Bearer \(Self.apiKey)")
            #expect(request.header("Content-Type") == "application/json")
            #expect(request.json == json("""
                {"personalizations":[{"to":[{"email":"patient@example.org","name":"A. Patient"}]}],
                 "from":{"email":"care@kigali-health.example"},
                 "subject":"Your appointment",
                 "content":[{"type":"text/plain","value":"See you at 09:00."},
                            {"type":"text/html","value":"<p>See you at <b>09:00</b>.</p>"}],
                 "custom_args":{"outbox_id":"outbox-mail-1"}}
                """))
            #expect(receipt == DeliveryReceipt(provider: "sendgrid", providerMessageID: "W9Lw1XwVQ6SdSAyhz5sWRw", status: "accepted"))
        }
    }

    @Test("A dynamic template: template_id and dynamic_template_data, no content")
    func template() async throws {
        try await withFakeProvider({ _ in Self.accepted }) { fake, http in
            _ = try await sender(fake, http).send(
                OutgoingEmail(to: "patient@example.org", subject: "Reminder", body: "fallback",
                              templateID: "d-13b8f94fbcae4ec6b75270d6cb59f932",
                              templateData: ["time": .string("09:00"), "count": .number(2)]),
                idempotencyKey: "outbox-mail-2")
            #expect(fake.requests[0].json == json("""
                {"personalizations":[{"to":[{"email":"patient@example.org"}],"dynamic_template_data":{"time":"09:00","count":2}}],
                 "from":{"email":"care@kigali-health.example"}, "subject":"Reminder",
                 "template_id":"d-13b8f94fbcae4ec6b75270d6cb59f932", "custom_args":{"outbox_id":"outbox-mail-2"}}
                """))
        }
    }

    @Test("400 is permanent with SendGrid's field and message; 401 is misconfigured; 503 retryable")
    func errors() async throws {
        let counter = Counter()
        try await withFakeProvider({ _ in
            switch counter.next() {
            case 1: .reply(.json(400, #"{"errors":[{"message":"Does not contain a valid address.","field":"personalizations.0.to.0.email","help":"http://sendgrid.com/docs"}]}"#))
            case 2: .reply(.json(401, #"{"errors":[{"message":"The provided authorization grant is invalid, expired, or revoked","field":null,"help":null}]}"#))
            default: .reply(.json(503, "", headers: [("Retry-After", "30")]))
            }
        }) { fake, http in
            let sender = try sender(fake, http)
            let email = OutgoingEmail(to: "not-an-address", subject: "s", body: "b")
            let bad = try #require(await integrationError { _ = try await sender.send(email, idempotencyKey: "k") })
            #expect(bad.kind == .permanent && bad.httpStatus == 400 && bad.providerCode == "personalizations.0.to.0.email")
            #expect(bad.message == "personalizations.0.to.0.email: Does not contain a valid address.")
            let auth = try #require(await integrationError { _ = try await sender.send(email, idempotencyKey: "k") })
            #expect(auth.kind == .misconfigured && auth.httpStatus == 401)
            let down = try #require(await integrationError { _ = try await sender.send(email, idempotencyKey: "k") })
            #expect(down.kind == .retryable && down.retryAfter == .seconds(30))
        }
    }

    @Test("The factory names the missing setting")
    func missingKey() {
        #expect(throws: AdapterConfigurationError(adapter: "sendgrid", field: "api_key", reason: "required secret is missing or empty")) {
            _ = try SendGridAdapterFactory.make(settings: AdapterSettings(adapter: "sendgrid", values: ["from": "a@b.example"]),
                                                http: HTTPClient.shared)
        }
    }
}
