import CareFlowCore

/// The `none` adapter, for every capability: the capability is switched off for this tenant.
/// Messages are dropped (the receipt says `none`); payments and completions fail permanently,
/// since there is no answer to give.
public struct DisabledIntegration: EmailSender, SMSSender, PushSender, PaymentGateway, LLMClient {
    public init() {}

    private static let dropped = DeliveryReceipt(provider: "none", providerMessageID: nil, status: "dropped")

    private func switchedOff(_ capability: Capability) -> IntegrationError {
        IntegrationError(.permanent, provider: "none", message: "\(capability.rawValue) is switched off for this tenant (adapter: none)")
    }

    public func send(_ email: OutgoingEmail, idempotencyKey: String) async throws -> DeliveryReceipt { Self.dropped }
    public func send(_ sms: OutgoingSMS, idempotencyKey: String) async throws -> DeliveryReceipt { Self.dropped }
    public func send(_ message: PushMessage, idempotencyKey: String) async throws -> DeliveryReceipt { Self.dropped }

    public func createPaymentIntent(_ request: PaymentRequest, idempotencyKey: String) async throws -> PaymentIntent {
        throw switchedOff(.payments)
    }
    public func retrievePaymentIntent(id: String) async throws -> PaymentIntent { throw switchedOff(.payments) }
    public func cancelPaymentIntent(id: String, idempotencyKey: String) async throws -> PaymentIntent {
        throw switchedOff(.payments)
    }
    public func createCheckoutSession(_ request: CheckoutRequest, idempotencyKey: String) async throws -> CheckoutSession {
        throw switchedOff(.payments)
    }
    public func createRefund(_ request: RefundRequest, idempotencyKey: String) async throws -> Refund {
        throw switchedOff(.payments)
    }
    public func complete(_ request: LLMRequest, idempotencyKey: String) async throws -> LLMResponse {
        throw switchedOff(.llm)
    }
}
