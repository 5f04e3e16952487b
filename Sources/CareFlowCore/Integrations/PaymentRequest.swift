/// A request to collect a payment, in domain terms.
public struct PaymentRequest: Sendable, Equatable {
    /// In the currency's minor unit (cents for `usd`; whole francs for zero-decimal `rwf`).
    public var amount: Int
    /// ISO 4217, lowercase.
    public var currency: String
    public var description: String?
    /// Our references (invoice id, tenant slug…), echoed back by payment webhooks. No PHI.
    public var metadata: [String: String]
    /// Where the provider sends a receipt, when the payer gave one.
    public var customerEmail: String?

    public init(amount: Int, currency: String, description: String? = nil, metadata: [String: String] = [:],
                customerEmail: String? = nil) {
        self.amount = amount
        self.currency = currency
        self.description = description
        self.metadata = metadata
        self.customerEmail = customerEmail
    }
}
