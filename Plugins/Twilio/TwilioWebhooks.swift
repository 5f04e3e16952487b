import CareFlowCore
import Foundation

extension WebhookProvider {
    public static let twilio = WebhookProvider("twilio")
}

/// Both Twilio callbacks are forms signed with the account's auth token over the public URL
/// Twilio called and the parameters (`X-Twilio-Signature`).
struct TwilioWebhookVerifier: WebhookVerifier {
    var signsPublicURL: Bool { true }

    func verify(_ webhook: InboundWebhook, secrets: [String], now: Date) throws(WebhookVerificationError) {
        try TwilioSignature.verify(signature: webhook.header("X-Twilio-Signature"), url: webhook.publicURL,
                                   parameters: webhook.form, authTokens: secrets)
    }
}

/// `POST /webhooks/{tenant}/twilio/status`: a status callback for an SMS the outbox sent. Twilio
/// has no event id for these; the pair (MessageSid, MessageStatus) is one: the same status
/// reported twice is a replay.
struct TwilioStatusDecoder: DeliveryReportDecoder {
    func decode(_ webhook: InboundWebhook) throws -> [DeliveryReport] {
        let form = webhook.formFields
        guard let sid = form["MessageSid"], !sid.isEmpty, let status = form["MessageStatus"], !status.isEmpty else {
            throw AppError.malformedBody("MessageSid and MessageStatus are required")
        }
        return [DeliveryReport(eventID: "status:\(sid):\(status)", type: "message.status", payload: Data(webhook.canonicalForm.utf8),
                               providerMessageID: sid, status: status, error: form["ErrorCode"])]
    }

    /// Twilio's MessageStatus values (specs/twilio.md).
    let statusRanks = ["queued": 1, "accepted": 1, "sending": 2, "sent": 3, "delivered": 5, "read": 6, "undelivered": 5, "failed": 5]
}

/// `POST /webhooks/{tenant}/twilio/sms`: an SMS a patient sent, answered with TwiML.
struct TwilioInboundDecoder: InboundMessageDecoder {
    func decode(_ webhook: InboundWebhook) throws -> InboundMessage {
        let form = webhook.formFields
        guard let sid = form["MessageSid"], !sid.isEmpty, let from = form["From"], !from.isEmpty else {
            throw AppError.malformedBody("MessageSid and From are required")
        }
        return InboundMessage(eventID: "inbound:\(sid)", type: "message.inbound", payload: Data(webhook.canonicalForm.utf8),
                              from: from, text: form["Body"] ?? "")
    }

    func reply(_ text: String?) -> WebhookReply {
        WebhookReply(contentType: TwiML.contentType, body: TwiML.response(message: text))
    }
}
