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
        let amountReceived: Int?
        let amountRefunded: Int?
        let currency: String?
        let paymentIntent: String?
        let paymentStatus: String?
        let metadata: [String: String]?
        let refunds: RefundList?
        let lastPaymentError: PaymentError?

        enum CodingKeys: String, CodingKey {
            case id, amount, currency, metadata, refunds
            case amountTotal = "amount_total"
            case amountReceived = "amount_received"
            case amountRefunded = "amount_refunded"
            case paymentIntent = "payment_intent"
            case paymentStatus = "payment_status"
            case lastPaymentError = "last_payment_error"
        }
    }

    /// A charge's `refunds` list (only present when the account's API version includes it).
    struct RefundList: Decodable, Sendable {
        let data: [Refund]
    }

    struct Refund: Decodable, Sendable {
        let id: String
        let amount: Int
        let status: String?
    }

    struct PaymentError: Decodable, Sendable {
        let code: String?
        let declineCode: String?

        enum CodingKeys: String, CodingKey {
            case code
            case declineCode = "decline_code"
        }
    }

    /// The payment effect of this event, if it has one (specs/stripe-webhooks.md); other event
    /// types are recorded without effect. The payment is named by its PaymentIntent id (`pi_…`).
    var paymentUpdate: PaymentUpdate? {
        let object = data.object
        let intent: String?, status: Payment.Status
        var received: Int?, refunded: Int?, session: String?, failure: String?
        switch type {
        case "payment_intent.succeeded":
            (intent, status) = (object.id, .succeeded)
            received = object.amountReceived ?? object.amount
        case "payment_intent.payment_failed":
            (intent, status) = (object.id, .failed)
            failure = object.lastPaymentError.flatMap { $0.declineCode ?? $0.code }
        case "checkout.session.completed":
            guard object.paymentStatus == nil || object.paymentStatus == "paid" else { return nil }
            (intent, status) = (object.paymentIntent, .succeeded)
            received = object.amountTotal
            session = object.id
        case "charge.refunded":
            (intent, status) = (object.paymentIntent, .refunded)
            refunded = object.amountRefunded
        default: return nil
        }
        guard let intent, !intent.isEmpty else { return nil }
        let refunds = (object.refunds?.data ?? []).map { ReportedRefund(id: $0.id, amount: $0.amount, status: $0.status ?? "succeeded") }
        return PaymentUpdate(providerPaymentID: intent, status: status, amount: object.amountTotal ?? object.amount,
                             currency: object.currency, eventCreated: created, amountReceived: received, amountRefunded: refunded,
                             refunds: refunds, metadata: object.metadata ?? [:], checkoutSessionID: session, failureCode: failure)
    }
}
