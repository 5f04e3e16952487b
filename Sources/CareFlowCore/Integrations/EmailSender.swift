/// Sends one tenant's email through the adapter its configuration chose.
public protocol EmailSender: Sendable {
    /// Sends one message. `idempotencyKey` is the outbox row id: adapters pass it to the
    /// provider where it de-duplicates, and otherwise attach it so delivery events can be
    /// matched back (e.g. as a custom argument of the message).
    /// - Throws: `IntegrationError`.
    @discardableResult
    func send(_ email: OutgoingEmail, idempotencyKey: String) async throws -> DeliveryReceipt
}
