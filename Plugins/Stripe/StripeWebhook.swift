import CareFlowCore
import Foundation

extension WebhookProvider {
    public static let stripe = WebhookProvider("stripe")
}

/// `POST /webhooks/{tenant}/stripe`: signed with the endpoint secret, `Stripe-Signature` over the raw body.
struct StripeWebhookVerifier: WebhookVerifier {
    func verify(_ webhook: InboundWebhook, secrets: [String], now: Date) throws(WebhookVerificationError) {
        try StripeSignature.verify(header: webhook.header("Stripe-Signature"), payload: webhook.body, secrets: secrets, now: now)
    }
}

/// A Stripe event object → its payment effect.
struct StripeEventDecoder: PaymentEventDecoder {
    /// Shared: decoding is reentrant, and building a decoder per request showed in profiles.
    private static let decoder = JSONDecoder()

    func decode(_ webhook: InboundWebhook) throws -> PaymentEvent {
        let event: StripeEvent
        do { event = try Self.decoder.decode(StripeEvent.self, from: webhook.body) } catch {
            throw AppError.malformedBody("The event is not a Stripe event object")
        }
        return PaymentEvent(id: event.id, type: event.type, update: event.paymentUpdate)
    }
}
