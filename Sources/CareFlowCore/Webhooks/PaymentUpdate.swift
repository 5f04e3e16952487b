/// What one provider event says about a payment: the state it moves the payment to, as of the
/// provider's `created` time. Applied only if no newer event has been applied (payments never
/// move back for an older event).
public struct PaymentUpdate: Sendable, Equatable {
    /// The provider's id of the payment.
    public let providerPaymentID: String
    public let status: Payment.Status
    /// Nil keeps the amount (or currency) already known.
    public let amount: Int?
    public let currency: String?
    /// The event's creation time at the provider (seconds since 1970).
    public let eventCreated: Int

    public init(providerPaymentID: String, status: Payment.Status, amount: Int?, currency: String?, eventCreated: Int) {
        self.providerPaymentID = providerPaymentID
        self.status = status
        self.amount = amount
        self.currency = currency
        self.eventCreated = eventCreated
    }
}
