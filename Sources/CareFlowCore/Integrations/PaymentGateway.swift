/// Takes payments through the adapter the tenant's configuration chose. Every call that
/// creates something takes the outbox row id as `idempotencyKey`: the provider answers a
/// repeated key with the first result instead of charging twice.
/// All methods throw `IntegrationError`.
public protocol PaymentGateway: Sendable {
    func createPaymentIntent(_ request: PaymentRequest, idempotencyKey: String) async throws -> PaymentIntent
    func retrievePaymentIntent(id: String) async throws -> PaymentIntent
    func cancelPaymentIntent(id: String, idempotencyKey: String) async throws -> PaymentIntent
    func createCheckoutSession(_ request: CheckoutRequest, idempotencyKey: String) async throws -> CheckoutSession
    func createRefund(_ request: RefundRequest, idempotencyKey: String) async throws -> Refund
}
