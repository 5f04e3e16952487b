@testable import CareFlowAPI
@testable import CareFlowCore
import Fluent
import Foundation
import Testing
import VaporTesting

/// Issue 12, point 1: the webhook service serves whatever route a plugin declares. A provider the
/// core has never heard of gets the same guarantees as the installed ones (PRODUCT §5): verified
/// before anything takes effect, recorded once under its own name, replays change nothing,
/// refusals audited — called as a service, without HTTP.
@Suite("Webhook service: a plugin's route, whatever the provider")
struct WebhookServiceTests {
    /// A made-up provider signing with a shared secret in a header.
    struct AcmeVerifier: WebhookVerifier {
        func verify(_ webhook: InboundWebhook, secrets: [String], now: Date) throws(WebhookVerificationError) {
            guard !secrets.isEmpty else { throw .notConfigured }
            guard let signature = webhook.header("X-Acme-Signature") else { throw .missingHeader("X-Acme-Signature") }
            guard secrets.contains(signature) else { throw .signatureMismatch }
        }
    }

    struct AcmeInbound: InboundMessageDecoder {
        func decode(_ webhook: InboundWebhook) throws -> InboundMessage {
            let form = webhook.formFields
            guard let id = form["id"], let from = form["from"] else { throw AppError.malformedBody("id and from are required") }
            return InboundMessage(eventID: "acme:\(id)", type: "sms.received", payload: Data(webhook.canonicalForm.utf8),
                                  from: from, text: form["text"] ?? "")
        }

        func reply(_ text: String?) -> WebhookReply { WebhookReply(contentType: "text/plain", body: text ?? "") }
    }

    static let route = WebhookRoute(provider: WebhookProvider("acme"), path: ["acme", "sms"], body: .form, capability: .sms,
                                    adapter: "acme", secretField: "signature_secret", verifier: AcmeVerifier(),
                                    handling: .inboundMessage(AcmeInbound()))

    static func stop(signature: String) -> InboundWebhook {
        InboundWebhook(body: Data(), form: [("id", "m1"), ("from", "+250700000009"), ("text", "STOP")],
                       headers: { $0.lowercased() == "x-acme-signature" ? signature : nil })
    }

    @Test("an unknown provider's inbound STOP: verified, opted out and audited once, replay answered without effect, forgery refused and audited",
          arguments: TestBackend.enabled)
    func unknownProviderInbound(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "acme-clinic")
            let scope = TenantScope(tenantID: t.id, db: app.db)
            let webhooks = app.services.webhooks
            let origin = RequestOrigin(ip: "198.51.100.7")

            // Refused before anything takes effect: nothing stored, the refusal audited under the provider's name.
            await #expect(throws: AppError.unauthenticated("Webhook refused: signature does not match")) {
                try await webhooks.receive(Self.stop(signature: "guess"), on: Self.route, secrets: ["s1"], in: scope, origin: origin)
            }
            #expect(try await WebhookEvent.query(on: app.db).filter(\.$tenantID == t.id).count() == 0)
            #expect(try await webhooks.maySend(toPhone: "+250700000009", in: scope))
            let refused = try await AuditEvent.query(on: app.db).filter(\.$tenantID == t.id).filter(\.$action == "webhook.rejected").all()
            #expect(refused.map(\.targetID) == ["acme"])

            // Any of the secrets (rotation) verifies; the effect happens once.
            let first = try await webhooks.receive(Self.stop(signature: "s2"), on: Self.route, secrets: ["s1", "s2"], in: scope, origin: origin)
            #expect(first == .inboundMessage(.applied, reply: WebhookReply(contentType: "text/plain", body: "")))
            #expect(try await !webhooks.maySend(toPhone: "+250700000009", in: scope))
            let replay = try await webhooks.receive(Self.stop(signature: "s2"), on: Self.route, secrets: ["s2"], in: scope, origin: origin)
            #expect(replay == .inboundMessage(.replayed, reply: WebhookReply(contentType: "text/plain", body: "")))

            let events = try await WebhookEvent.query(on: app.db).filter(\.$tenantID == t.id).all()
            #expect(events.map(\.provider) == ["acme"] && events.map(\.eventID) == ["acme:m1"])
            #expect(try await AuditEvent.query(on: app.db).filter(\.$tenantID == t.id).filter(\.$action == "sms.opt_out").count() == 1)
        }
    }
}
