import CareFlowCore

/// The members of a Stripe event CareFlow reads (specs/stripe-webhooks.md).
struct StripeEvent: Decodable, Sendable {
    let id: String
    let type: String
    let created: Int
    let data: Payload

    struct Payload: Decodable, Sendable {
        let object: Object
    }

    /// A PaymentIntent, Checkout Session or Charge: only what payments need.
    struct Object: Decodable, Sendable {
        let id: String?
        let amount: Int?
        let amountTotal: Int?
        let currency: String?
        let paymentIntent: String?
        let paymentStatus: String?

        enum CodingKeys: String, CodingKey {
            case id, amount, currency
            case amountTotal = "amount_total"
            case paymentIntent = "payment_intent"
            case paymentStatus = "payment_status"
        }
    }

    /// The payment effect of this event, if it has one (specs/stripe-webhooks.md); other event
    /// types are recorded without effect. The payment is named by its PaymentIntent id (`pi_…`).
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
