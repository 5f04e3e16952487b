/// A payment as the provider tracks it.
public struct PaymentIntent: Sendable, Equatable {
    /// The provider's id (`pi_…`).
    public var id: String
    public var status: PaymentStatus
    public var amount: Int
    public var currency: String
    /// Handed to the payer's browser or app to confirm the payment; never logged.
    public var clientSecret: ResolvedSecret?
    public var metadata: [String: String]

    public init(id: String, status: PaymentStatus, amount: Int, currency: String, clientSecret: ResolvedSecret? = nil,
                metadata: [String: String] = [:]) {
        self.id = id
        self.status = status
        self.amount = amount
        self.currency = currency
        self.clientSecret = clientSecret
        self.metadata = metadata
    }
}

/// Where a payment stands.
public enum PaymentStatus: Sendable, Equatable, Hashable {
    case requiresPaymentMethod
    case requiresConfirmation
    case requiresAction
    case processing
    case requiresCapture
    case succeeded
    case canceled
    /// A status this version does not know, kept verbatim.
    case other(String)

    /// From the provider's snake_case wire value (`requires_payment_method`, `succeeded`…).
    public init(wireValue: String) {
        switch wireValue {
        case "requires_payment_method": self = .requiresPaymentMethod
        case "requires_confirmation": self = .requiresConfirmation
        case "requires_action": self = .requiresAction
        case "processing": self = .processing
        case "requires_capture": self = .requiresCapture
        case "succeeded": self = .succeeded
        case "canceled": self = .canceled
        default: self = .other(wireValue)
        }
    }
}
