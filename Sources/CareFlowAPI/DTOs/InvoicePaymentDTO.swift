import CareFlowCore
import Vapor

/// The answer of `POST /api/v1/invoices/{id}/payment`: what the payer's app or browser needs.
/// `payment_intent` mode: `payment_intent_id` and `client_secret`; `checkout` mode: `url` (and
/// the session id). Members that do not apply are `null`.
struct InvoicePaymentDTO: Content {
    let invoiceID: UUID
    let mode: String
    let provider: String
    let amount: Int
    let currency: String
    let paymentIntentID: String?
    let clientSecret: String?
    let checkoutSessionID: String?
    let url: String?

    enum CodingKeys: String, CodingKey {
        case mode, provider, amount, currency, url
        case invoiceID = "invoice_id"
        case paymentIntentID = "payment_intent_id"
        case clientSecret = "client_secret"
        case checkoutSessionID = "checkout_session_id"
    }

    init(invoiceID: UUID, mode: String, provider: String, amount: Int, currency: String, paymentIntentID: String?, clientSecret: String?,
         checkoutSessionID: String?, url: String?) {
        self.invoiceID = invoiceID
        self.mode = mode
        self.provider = provider
        self.amount = amount
        self.currency = currency
        self.paymentIntentID = paymentIntentID
        self.clientSecret = clientSecret
        self.checkoutSessionID = checkoutSessionID
        self.url = url
    }

    init(_ started: InvoicePaymentService.Started) {
        self.init(invoiceID: started.invoice.id ?? UUID(), mode: started.mode.rawValue, provider: started.invoice.paymentProvider ?? "",
                  amount: started.amount, currency: started.currency, paymentIntentID: started.paymentIntentID,
                  clientSecret: started.clientSecret?.reveal(), checkoutSessionID: started.checkoutSessionID, url: started.url)
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(invoiceID, forKey: .invoiceID)
        try c.encode(mode, forKey: .mode)
        try c.encode(provider, forKey: .provider)
        try c.encode(amount, forKey: .amount)
        try c.encode(currency, forKey: .currency)
        try c.encode(paymentIntentID, forKey: .paymentIntentID)
        try c.encode(clientSecret, forKey: .clientSecret)
        try c.encode(checkoutSessionID, forKey: .checkoutSessionID)
        try c.encode(url, forKey: .url)
    }
}

extension InvoicePaymentDTO: SchemaSample {
    static var schemaSamples: [Self] {
        [InvoicePaymentDTO(invoiceID: UUID(), mode: "payment_intent", provider: "stripe", amount: 15000, currency: "rwf",
                           paymentIntentID: "pi_123", clientSecret: "pi_123_secret_456", checkoutSessionID: "cs_123",
                           url: "https://checkout.stripe.com/c/pay/cs_123")]
    }
    static var schemaNotes: [String: SchemaNote] {
        ["mode": .values(of: InvoicePaymentService.Mode.self), "url": .format("uri")]
    }
}

/// The answer of `POST /api/v1/invoices/{id}/refund`: the refund as the provider answered
/// (`pending` or `succeeded`) and the invoice after it.
struct InvoiceRefundDTO: Content {
    let id: UUID
    let invoiceID: UUID
    let amount: Int
    let currency: String
    let status: String
    let providerRefundID: String?
    let refundedAt: Date
    let invoiceStatus: String
    let invoiceAmountPaid: Int
    let invoiceAmountRefunded: Int

    enum CodingKeys: String, CodingKey {
        case id, amount, currency, status
        case invoiceID = "invoice_id"
        case providerRefundID = "provider_refund_id"
        case refundedAt = "refunded_at"
        case invoiceStatus = "invoice_status"
        case invoiceAmountPaid = "invoice_amount_paid"
        case invoiceAmountRefunded = "invoice_amount_refunded"
    }

    init(id: UUID, invoiceID: UUID, amount: Int, currency: String, status: String, providerRefundID: String?, refundedAt: Date,
         invoiceStatus: String, invoiceAmountPaid: Int, invoiceAmountRefunded: Int) {
        self.id = id
        self.invoiceID = invoiceID
        self.amount = amount
        self.currency = currency
        self.status = status
        self.providerRefundID = providerRefundID
        self.refundedAt = refundedAt
        self.invoiceStatus = invoiceStatus
        self.invoiceAmountPaid = invoiceAmountPaid
        self.invoiceAmountRefunded = invoiceAmountRefunded
    }

    init(_ refunded: InvoicePaymentService.Refunded) {
        self.init(id: refunded.refund.id ?? UUID(), invoiceID: refunded.refund.invoiceID, amount: refunded.refund.amount,
                  currency: refunded.refund.currency, status: refunded.refund.status, providerRefundID: refunded.refund.providerRefundID,
                  refundedAt: refunded.refund.refundedAt, invoiceStatus: refunded.invoice.status.rawValue,
                  invoiceAmountPaid: refunded.invoice.amountPaid, invoiceAmountRefunded: refunded.invoice.amountRefunded)
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(invoiceID, forKey: .invoiceID)
        try c.encode(amount, forKey: .amount)
        try c.encode(currency, forKey: .currency)
        try c.encode(status, forKey: .status)
        try c.encode(providerRefundID, forKey: .providerRefundID)
        try c.encode(refundedAt, forKey: .refundedAt)
        try c.encode(invoiceStatus, forKey: .invoiceStatus)
        try c.encode(invoiceAmountPaid, forKey: .invoiceAmountPaid)
        try c.encode(invoiceAmountRefunded, forKey: .invoiceAmountRefunded)
    }
}

extension InvoiceRefundDTO: SchemaSample {
    static var schemaSamples: [Self] {
        [InvoiceRefundDTO(id: UUID(), invoiceID: UUID(), amount: 5000, currency: "rwf", status: "succeeded", providerRefundID: "re_123",
                          refundedAt: Date(), invoiceStatus: Invoice.Status.partiallyRefunded.rawValue, invoiceAmountPaid: 15000,
                          invoiceAmountRefunded: 5000)]
    }
    static var schemaNotes: [String: SchemaNote] {
        ["status": .values(["pending", "succeeded", "failed", "canceled"]), "invoice_status": .values(of: Invoice.Status.self)]
    }
}
