import Foundation

/// A verified provider event that may move a payment.
public struct PaymentEvent: Sendable {
    /// The provider's event id: a second delivery of it is a replay.
    public let id: String
    public let type: String
    /// Nil for event types recorded without effect.
    public let update: PaymentUpdate?

    public init(id: String, type: String, update: PaymentUpdate?) {
        self.id = id
        self.type = type
        self.update = update
    }
}

/// Reads a payment provider's event from a verified body.
public protocol PaymentEventDecoder: Sendable {
    /// Throws `AppError.malformedBody` when the body is not the provider's event.
    func decode(_ webhook: InboundWebhook) throws -> PaymentEvent
}
