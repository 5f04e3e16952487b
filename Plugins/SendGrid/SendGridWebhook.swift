import CareFlowCore
import Foundation

extension WebhookProvider {
    public static let sendgrid = WebhookProvider("sendgrid")
}

/// The Signed Event Webhook: ECDSA over timestamp and body with the key copied from SendGrid.
struct SendGridWebhookVerifier: WebhookVerifier {
    func verify(_ webhook: InboundWebhook, secrets: [String], now: Date) throws(WebhookVerificationError) {
        try SendGridSignature.verify(signature: webhook.header("X-Twilio-Email-Event-Webhook-Signature"),
                                     timestamp: webhook.header("X-Twilio-Email-Event-Webhook-Timestamp"),
                                     payload: webhook.body, publicKeys: secrets, now: now)
    }
}

/// `POST /webhooks/{tenant}/sendgrid/events`: a batch of delivery events, each recorded and
/// applied on its own.
struct SendGridEventDecoder: DeliveryReportDecoder {
    private static let decoder = JSONDecoder()

    func decode(_ webhook: InboundWebhook) throws -> [DeliveryReport] {
        let events: [SendGridEvent]
        do { events = try Self.decoder.decode([SendGridEvent].self, from: webhook.body) } catch {
            throw AppError.malformedBody("The body is not an array of SendGrid events")
        }
        guard events.count <= 1000 else { throw AppError.malformedBody("At most 1000 events per request") }
        return events.map { event in
            // `sg_message_id` starts with the X-Message-Id the send returned.
            DeliveryReport(eventID: event.sgEventID, type: event.event, payload: (try? JSONEncoder().encode(event)) ?? Data(),
                           providerMessageID: event.sgMessageID?.split(separator: ".").first.map(String.init),
                           status: event.event, error: event.reason)
        }
    }

    /// SendGrid's event names (specs/sendgrid.md), and `accepted`, what the adapter records when
    /// SendGrid takes a message.
    let statusRanks = ["accepted": 1, "processed": 2, "deferred": 3, "delivered": 5, "dropped": 5, "bounce": 5, "open": 6, "click": 7,
                       "spamreport": 8, "unsubscribe": 8]
}
