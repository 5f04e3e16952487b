/// A hosted checkout page for one or more items.
public struct CheckoutRequest: Sendable, Equatable {
    public struct LineItem: Sendable, Equatable {
        public var name: String
        /// Price of one unit, in the currency's minor unit.
        public var unitAmount: Int
        /// ISO 4217, lowercase.
        public var currency: String
        public var quantity: Int

        public init(name: String, unitAmount: Int, currency: String, quantity: Int = 1) {
            self.name = name
            self.unitAmount = unitAmount
            self.currency = currency
            self.quantity = quantity
        }
    }

    public var lineItems: [LineItem]
    public var successURL: String
    public var cancelURL: String
    public var metadata: [String: String]
    public var customerEmail: String?

    public init(lineItems: [LineItem], successURL: String, cancelURL: String, metadata: [String: String] = [:],
                customerEmail: String? = nil) {
        self.lineItems = lineItems
        self.successURL = successURL
        self.cancelURL = cancelURL
        self.metadata = metadata
        self.customerEmail = customerEmail
    }
}

/// The checkout page the payer is sent to.
public struct CheckoutSession: Sendable, Equatable {
    /// The provider's id (`cs_…`).
    public var id: String
    public var url: String
    /// The payment the session created, when the provider already reports it.
    public var paymentIntentID: String?

    public init(id: String, url: String, paymentIntentID: String? = nil) {
        self.id = id
        self.url = url
        self.paymentIntentID = paymentIntentID
    }
}
