/// Sends push notifications through the adapter the tenant's configuration chose.
public protocol PushSender: Sendable {
    /// - Parameter idempotencyKey: the outbox row id.
    /// - Throws: `IntegrationError`; `deadRecipient` means the device token is dead and the
    ///   device registration should be removed.
    @discardableResult
    func send(_ message: PushMessage, idempotencyKey: String) async throws -> DeliveryReceipt
}
