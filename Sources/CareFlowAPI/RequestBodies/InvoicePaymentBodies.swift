import CareFlowCore
import Foundation

/// `POST /api/v1/invoices/{id}/payment`: `{"mode": "payment_intent" | "checkout", "success_url"?,
/// "cancel_url"?}`. The checkout URLs are where the provider sends the payer back: absolute
/// `https` URLs (plain `http` only for localhost, during development), required for checkout.
struct InvoicePaymentBody: RequestBody {
    let mode: InvoicePaymentService.Mode
    let successURL: String?
    let cancelURL: String?

    init?(fields: inout FieldReader) {
        let mode = fields.enumeration("mode", InvoicePaymentService.Mode.self)
        let successURL = Self.url("success_url", &fields)
        let cancelURL = Self.url("cancel_url", &fields)
        guard let mode, fields.errors.isEmpty else { return nil }
        if mode == .checkout {
            if successURL == nil { fields.fail("success_url", "is required for checkout") }
            if cancelURL == nil { fields.fail("cancel_url", "is required for checkout") }
            guard fields.errors.isEmpty else { return nil }
        }
        self.mode = mode
        self.successURL = successURL
        self.cancelURL = cancelURL
    }

    private static func url(_ key: String, _ fields: inout FieldReader) -> String? {
        let text = fields.string(key, required: false, maxLength: 2000,
                                 pattern: #"^(https://[^\s/?#]+|http://(localhost|127\.0\.0\.1)(:[0-9]+)?)([/?#]\S*)?$"#,
                                 patternHint: "must be an https URL")
        fields.refine(key, ["format": .string("uri"), "description": .string("Where the checkout sends the payer back (checkout mode)")])
        return text
    }
}

/// `POST /api/v1/invoices/{id}/refund`: `{"amount"?}` in the currency's minor unit; without it,
/// everything paid and not yet refunded. An empty body is the same as `{}`.
struct InvoiceRefundBody: RequestBody {
    let amount: Int?

    init?(fields: inout FieldReader) {
        let amount = fields.integer("amount", required: false, range: 1...Int(Int32.max))
        fields.refine("amount", ["description": .string("Minor units, at most what is paid and not yet refunded; default: all of it")])
        guard fields.errors.isEmpty else { return nil }
        self.amount = amount
    }
}
