import AdapterHTTP
import CareFlowCore
import Foundation
import InstalledPlugins
import SendGridAdapter
import StripeAdapter
import Testing
import TwilioAdapter

/// The providers' webhook verifiers and decoders as their plugins declare them, without HTTP
/// or a database: what the webhook routes rely on (PRODUCT §5, specs/*).
@Suite("Plugin webhook routes: verifiers and decoders")
struct WebhookPluginTests {
    static func route(_ plugin: Plugin, _ path: [String]) throws -> WebhookRoute {
        try #require(plugin.webhooks.first { $0.path == path })
    }

    static func request(_ body: String, form: [(String, String)] = [], url: String = "", headers: [String: String] = [:]) -> InboundWebhook {
        let lowercased = Dictionary(uniqueKeysWithValues: headers.map { ($0.key.lowercased(), $0.value) })
        return InboundWebhook(body: Data(body.utf8), form: form, publicURL: url, headers: { lowercased[$0.lowercased()] })
    }

    @Test("The installed plugins serve exactly the contract's webhook paths, each once")
    func installedRoutes() {
        let paths = installedPlugins.flatMap(\.webhooks).map { $0.path.joined(separator: "/") }
        #expect(paths.sorted() == ["sendgrid/events", "stripe", "twilio/sms", "twilio/status"])
    }

    @Test("Stripe: the signed event verifies and becomes a payment update; unsigned, tampered or unconfigured is refused")
    func stripe() throws {
        let route = try Self.route(stripePlugin, ["stripe"])
        #expect(route.provider.rawValue == "stripe" && route.capability == .payments && route.secretField == "webhook_secret")
        let body = #"{"id":"evt_1","type":"payment_intent.succeeded","created":1700000000,"data":{"object":{"id":"pi_1","amount":1500,"currency":"usd"}}}"#
        let now = Date(timeIntervalSince1970: 1_700_000_100)
        let signed = Self.request(body, headers: ["Stripe-Signature": StripeSignature.header(payload: Data(body.utf8), secret: "whsec_a", timestamp: 1_700_000_000)])
        try route.verifier.verify(signed, secrets: ["whsec_old", "whsec_a"], now: now)
        #expect(throws: WebhookVerificationError.missingHeader("Stripe-Signature")) {
            try route.verifier.verify(Self.request(body), secrets: ["whsec_a"], now: now)
        }
        #expect(throws: WebhookVerificationError.signatureMismatch) {
            try route.verifier.verify(Self.request(body + " ", headers: ["stripe-signature": signed.header("Stripe-Signature") ?? ""]),
                                      secrets: ["whsec_a"], now: now)
        }
        #expect(throws: WebhookVerificationError.notConfigured) { try route.verifier.verify(signed, secrets: [], now: now) }

        guard case .paymentEvent(let decoder) = route.handling else { Issue.record("not a payment route"); return }
        let event = try decoder.decode(signed)
        #expect(event.id == "evt_1" && event.type == "payment_intent.succeeded")
        #expect(event.update == PaymentUpdate(providerPaymentID: "pi_1", status: .succeeded, amount: 1500, currency: "usd", eventCreated: 1_700_000_000,
                                            amountReceived: 1500))
        #expect(throws: AppError.malformedBody("The event is not a Stripe event object")) { try decoder.decode(Self.request("[]")) }
    }

    @Test("Twilio: status callbacks keyed by (sid, status) and ranked; inbound SMS answered with escaped TwiML")
    func twilio() throws {
        let status = try Self.route(twilioPlugin, ["twilio", "status"])
        #expect(status.verifier.signsPublicURL && status.body == .form && status.secretField == "auth_token")
        let url = "https://careflow.example/webhooks/kh/twilio/status"
        let form = [("MessageSid", "SM1"), ("MessageStatus", "delivered")]
        let signed = Self.request("", form: form, url: url,
                                  headers: ["X-Twilio-Signature": TwilioSignature.signature(url: url, parameters: form, authToken: "tok")])
        try status.verifier.verify(signed, secrets: ["tok"], now: Date())
        #expect(throws: WebhookVerificationError.signatureMismatch) {
            try status.verifier.verify(Self.request("", form: form, url: url + "?x=1", headers: ["X-Twilio-Signature": signed.header("X-Twilio-Signature") ?? ""]),
                                       secrets: ["tok"], now: Date())
        }
        guard case .deliveryReports(let reports) = status.handling else { Issue.record("not a delivery route"); return }
        let decoded = try reports.decode(signed)
        #expect(decoded.map(\.eventID) == ["status:SM1:delivered"] && decoded.first?.providerMessageID == "SM1")
        #expect(DeliveryStatus.advances(from: "sent", to: "delivered", ranks: reports.statusRanks))
        #expect(!DeliveryStatus.advances(from: "delivered", to: "sent", ranks: reports.statusRanks))
        #expect(throws: AppError.malformedBody("MessageSid and MessageStatus are required")) {
            try reports.decode(Self.request("", form: [("MessageSid", "SM1")]))
        }

        let inbound = try Self.route(twilioPlugin, ["twilio", "sms"])
        guard case .inboundMessage(let messages) = inbound.handling else { Issue.record("not an inbound route"); return }
        let message = try messages.decode(Self.request("", form: [("MessageSid", "SM2"), ("From", "+250700000001"), ("Body", "stop")]))
        #expect(message.eventID == "inbound:SM2" && message.from == "+250700000001" && message.text == "stop")
        #expect(messages.reply(nil).body == #"<?xml version="1.0" encoding="UTF-8"?><Response/>"#)
        #expect(messages.reply("a < b & \"c\"") == WebhookReply(
            contentType: "application/xml; charset=utf-8",
            body: #"<?xml version="1.0" encoding="UTF-8"?><Response><Message>a &lt; b &amp; &quot;c&quot;</Message></Response>"#))
    }

    @Test("SendGrid: events keyed by sg_event_id, message id before the first dot, at most 1000 per request")
    func sendGrid() throws {
        let route = try Self.route(sendGridPlugin, ["sendgrid", "events"])
        #expect(route.capability == .email && route.secretField == "webhook_verification_key")
        #expect(throws: WebhookVerificationError.missingHeader("X-Twilio-Email-Event-Webhook-Signature")) {
            try route.verifier.verify(Self.request("[]"), secrets: ["key"], now: Date())
        }
        guard case .deliveryReports(let decoder) = route.handling else { Issue.record("not a delivery route"); return }
        let reports = try decoder.decode(Self.request(#"[{"sg_event_id":"e1","event":"delivered","sg_message_id":"msg1.filter0001.1"},{"sg_event_id":"e2","event":"open"}]"#))
        #expect(reports.map(\.eventID) == ["e1", "e2"])
        #expect(reports.map(\.providerMessageID) == ["msg1", nil])
        #expect(DeliveryStatus.advances(from: "accepted", to: "processed", ranks: decoder.statusRanks))
        let many = "[" + Array(repeating: #"{"sg_event_id":"e","event":"open"}"#, count: 1001).joined(separator: ",") + "]"
        #expect(throws: AppError.malformedBody("At most 1000 events per request")) { try decoder.decode(Self.request(many)) }
    }
}
