/// What one provider event says about a payment: the state it moves the payment to, as of the
/// provider's `created` time. Applied only if no newer event has been applied (payments never
/// move back for an older event).
struct PaymentUpdate: Sendable, Equatable {
    /// The PaymentIntent id (`pi_…`).
    let providerPaymentID: String
    let status: Payment.Status
    /// Nil keeps the amount (or currency) already known.
    let amount: Int?
    let currency: String?
    /// The event's `created` (seconds since 1970).
    let eventCreated: Int
}

extension StripeEvent {
    /// The payment effect of this event, if it has one (specs/stripe-webhooks.md); other event
    /// types are recorded without effect.
    var paymentUpdate: PaymentUpdate? {
        let object = data.object
        let intent: String?, status: Payment.Status
        switch type {
        case "payment_intent.succeeded": (intent, status) = (object.id, .succeeded)
        case "payment_intent.payment_failed": (intent, status) = (object.id, .failed)
        case "checkout.session.completed":
            guard object.paymentStatus == nil || object.paymentStatus == "paid" else { return nil }
            (intent, status) = (object.paymentIntent, .succeeded)
        case "charge.refunded": (intent, status) = (object.paymentIntent, .refunded)
        default: return nil
        }
        guard let intent, !intent.isEmpty else { return nil }
        return PaymentUpdate(providerPaymentID: intent, status: status, amount: object.amountTotal ?? object.amount,
                             currency: object.currency, eventCreated: created)
    }
}
