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
}

/// One event of a SendGrid Event Webhook batch (specs/sendgrid.md).
struct SendGridEvent: Codable, Sendable {
    let sgEventID: String
    let event: String
    let sgMessageID: String?
    let timestamp: Int?
    let reason: String?

    enum CodingKeys: String, CodingKey {
        case event, timestamp, reason
        case sgEventID = "sg_event_id"
        case sgMessageID = "sg_message_id"
    }
}
