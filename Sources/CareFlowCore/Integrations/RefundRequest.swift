/// Gives money back for a payment, in full or in part.
public struct RefundRequest: Sendable, Equatable {
    public var paymentIntentID: String
    /// Minor units; `nil` refunds whatever is left.
    public var amount: Int?
    public var metadata: [String: String]

    public init(paymentIntentID: String, amount: Int? = nil, metadata: [String: String] = [:]) {
        self.paymentIntentID = paymentIntentID
        self.amount = amount
        self.metadata = metadata
    }
}

/// A refund as the provider tracks it.
public struct Refund: Sendable, Equatable {
    /// The provider's id (`re_…`).
    public var id: String
    /// `pending`, `succeeded`, `failed`, `canceled`, `requires_action`.
    public var status: String
    public var amount: Int
    public var currency: String
    public var paymentIntentID: String?

    public init(id: String, status: String, amount: Int, currency: String, paymentIntentID: String? = nil) {
        self.id = id
        self.status = status
        self.amount = amount
        self.currency = currency
        self.paymentIntentID = paymentIntentID
    }
}
