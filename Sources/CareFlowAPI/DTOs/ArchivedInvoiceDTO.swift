import CareFlowCore
import Foundation

/// An invoice as the API shows it, with how it was paid and what was refunded.
struct ArchivedInvoiceDTO: Encodable {
    struct Payment: Encodable {
        let provider: String?
        let providerPaymentID: String?
        let amountPaid: Int
        let paidAt: Date?

        enum CodingKeys: String, CodingKey {
            case provider
            case providerPaymentID = "provider_payment_id"
            case amountPaid = "amount_paid"
            case paidAt = "paid_at"
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(provider, forKey: .provider)
            try c.encode(providerPaymentID, forKey: .providerPaymentID)
            try c.encode(amountPaid, forKey: .amountPaid)
            try c.encode(paidAt, forKey: .paidAt)
        }
    }

    struct Refund: Encodable {
        let id: UUID?
        let amount: Int
        let currency: String
        let status: String
        let providerRefundID: String?
        let refundedAt: Date

        enum CodingKeys: String, CodingKey {
            case id, amount, currency, status
            case providerRefundID = "provider_refund_id"
            case refundedAt = "refunded_at"
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(id, forKey: .id)
            try c.encode(amount, forKey: .amount)
            try c.encode(currency, forKey: .currency)
            try c.encode(status, forKey: .status)
            try c.encode(providerRefundID, forKey: .providerRefundID)
            try c.encode(refundedAt, forKey: .refundedAt)
        }
    }

    let invoice: InvoiceDTO
    let payment: Payment
    let refunds: [Refund]

    enum CodingKeys: String, CodingKey { case payment, refunds }

    init(_ view: InvoiceService.View, refunds: [InvoiceRefund]) {
        invoice = InvoiceDTO(view)
        let i = view.invoice
        payment = Payment(provider: i.paymentProvider, providerPaymentID: i.providerPaymentID, amountPaid: i.amountPaid, paidAt: i.paidAt)
        self.refunds = refunds.map {
            Refund(id: $0.id, amount: $0.amount, currency: $0.currency, status: $0.status, providerRefundID: $0.providerRefundID,
                   refundedAt: $0.refundedAt)
        }
    }

    func encode(to encoder: any Encoder) throws {
        try invoice.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(payment, forKey: .payment)
        try c.encode(refunds, forKey: .refunds)
    }
}
