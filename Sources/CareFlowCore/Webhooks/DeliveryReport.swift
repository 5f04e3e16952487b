import Foundation

/// One verified report about a message the outbox sent (delivered, bounced, …).
public struct DeliveryReport: Sendable {
    /// Unique per report for the provider: the same report delivered twice is a replay.
    public let eventID: String
    public let type: String
    /// What `webhook_events.payload_sha256` digests.
    public let payload: Data
    /// The provider's id of the message (as in `DeliveryReceipt`); nil records the report without effect.
    public let providerMessageID: String?
    public let status: String
    public let error: String?

    public init(eventID: String, type: String, payload: Data, providerMessageID: String?, status: String, error: String?) {
        self.eventID = eventID
        self.type = type
        self.payload = payload
        self.providerMessageID = providerMessageID
        self.status = status
        self.error = error
    }
}

/// Reads a provider's delivery reports from a verified request.
public protocol DeliveryReportDecoder: Sendable {
    /// The reports of one request, in order. Throws `AppError.malformedBody` naming what is missing.
    func decode(_ webhook: InboundWebhook) throws -> [DeliveryReport]

    /// How far along each status the provider reports is (`DeliveryStatus`): reports arrive
    /// more than once and out of order, and only a higher rank replaces a lower one.
    var statusRanks: [String: Int] { get }
}
