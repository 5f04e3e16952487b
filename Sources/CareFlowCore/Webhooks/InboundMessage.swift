import Foundation

/// A verified message a patient sent to the tenant's number.
public struct InboundMessage: Sendable {
    public let eventID: String
    public let type: String
    /// What `webhook_events.payload_sha256` digests.
    public let payload: Data
    /// The sender's address (a phone number); kept only as its blind index.
    public let from: String
    public let text: String

    public init(eventID: String, type: String, payload: Data, from: String, text: String) {
        self.eventID = eventID
        self.type = type
        self.payload = payload
        self.from = from
        self.text = text
    }
}

/// Reads a provider's inbound message and writes the provider's reply document.
public protocol InboundMessageDecoder: Sendable {
    /// Throws `AppError.malformedBody` naming what is missing.
    func decode(_ webhook: InboundWebhook) throws -> InboundMessage

    /// The answer to the provider: the reply text to send back, or nil for none.
    func reply(_ text: String?) -> WebhookReply
}

/// A body the provider expects in answer to its webhook.
public struct WebhookReply: Sendable, Equatable {
    public let contentType: String
    public let body: String

    public init(contentType: String, body: String) {
        self.contentType = contentType
        self.body = body
    }
}
