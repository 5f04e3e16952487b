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
    /// What the provider actually collected (a payment's `amount_received`), when it says.
    /// Invoices are settled against this, not against the amount asked for.
    public let amountReceived: Int?
    /// For a refund event: everything refunded on the payment so far (cumulative).
    public let amountRefunded: Int?
    /// For a refund event: the refunds the provider listed, matched to `invoice_refunds` by id.
    public let refunds: [ReportedRefund]
    /// Our references the payment carries (`invoice_id`, `tenant`); never PHI.
    public let metadata: [String: String]
    /// For a completed hosted checkout: the provider's session id.
    public let checkoutSessionID: String?
    /// For a failed payment: the provider's reason code (`card_declined`…).
    public let failureCode: String?

    public init(providerPaymentID: String, status: Payment.Status, amount: Int?, currency: String?, eventCreated: Int,
                amountReceived: Int? = nil, amountRefunded: Int? = nil, refunds: [ReportedRefund] = [],
                metadata: [String: String] = [:], checkoutSessionID: String? = nil, failureCode: String? = nil) {
        self.providerPaymentID = providerPaymentID
        self.status = status
        self.amount = amount
        self.currency = currency
        self.eventCreated = eventCreated
        self.amountReceived = amountReceived
        self.amountRefunded = amountRefunded
        self.refunds = refunds
        self.metadata = metadata
        self.checkoutSessionID = checkoutSessionID
        self.failureCode = failureCode
    }
}

/// One refund of a payment as a provider event lists it.
public struct ReportedRefund: Sendable, Equatable {
    /// The provider's refund id (`re_…`).
    public let id: String
    public let amount: Int
    /// `pending`, `succeeded`, `failed`, `canceled`.
    public let status: String

    public init(id: String, amount: Int, status: String) {
        self.id = id
        self.amount = amount
        self.status = status
    }
}
