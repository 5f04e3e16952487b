/// Sends one tenant's text messages through the adapter its configuration chose.
public protocol SMSSender: Sendable {
    /// - Parameter idempotencyKey: the outbox row id.
    /// - Throws: `IntegrationError` (`deadRecipient` for a number that can never receive).
    @discardableResult
    func send(_ sms: OutgoingSMS, idempotencyKey: String) async throws -> DeliveryReceipt
}
