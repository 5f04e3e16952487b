import AdapterHTTP
import CareFlowCore
import Foundation

/// Stripe's API: form-encoded requests, `Idempotency-Key` on every creating POST, amounts in
/// minor units. Webhooks confirm what these calls start.
struct StripePaymentGateway: PaymentGateway {
    let client: ProviderClient
    let secretKey: ResolvedSecret

    func createPaymentIntent(_ request: PaymentRequest, idempotencyKey: String) async throws -> PaymentIntent {
        var form: [(String, FormURLEncoder.Value)] = [
            ("amount", .int(request.amount)),
            ("currency", .text(request.currency.lowercased())),
            ("automatic_payment_methods", .map(["enabled": .bool(true)])),
        ]
        if let description = request.description { form.append(("description", .text(description))) }
        if let email = request.customerEmail { form.append(("receipt_email", .text(email))) }
        form.append(contentsOf: Self.metadata(request.metadata))
        return try await post("/v1/payment_intents", form, idempotencyKey: idempotencyKey, as: StripePaymentIntent.self).domain
    }

    func retrievePaymentIntent(id: String) async throws -> PaymentIntent {
        let response = try await client.send(.GET, "/v1/payment_intents/\(ProviderClient.pathSegment(id))",
                                             headers: [ProviderClient.bearer(secretKey)])
        return try decode(response, as: StripePaymentIntent.self).domain
    }

    func cancelPaymentIntent(id: String, idempotencyKey: String) async throws -> PaymentIntent {
        try await post("/v1/payment_intents/\(ProviderClient.pathSegment(id))/cancel", [], idempotencyKey: idempotencyKey,
                       as: StripePaymentIntent.self).domain
    }

    func createCheckoutSession(_ request: CheckoutRequest, idempotencyKey: String) async throws -> CheckoutSession {
        let items: [FormURLEncoder.Value] = request.lineItems.map { item in
            .map([
                "price_data": .map([
                    "currency": .text(item.currency.lowercased()),
                    "product_data": .map(["name": .text(item.name)]),
                    "unit_amount": .int(item.unitAmount),
                ]),
                "quantity": .int(item.quantity),
            ])
        }
        var form: [(String, FormURLEncoder.Value)] = [
            ("mode", "payment"),
            ("line_items", .list(items)),
            ("success_url", .text(request.successURL)),
            ("cancel_url", .text(request.cancelURL)),
        ]
        if let email = request.customerEmail { form.append(("customer_email", .text(email))) }
        form.append(contentsOf: Self.metadata(request.metadata))
        // The payment the session creates carries the same references, so its webhooks can be
        // matched without looking the session up.
        if !request.metadata.isEmpty {
            form.append(("payment_intent_data", .map(["metadata": .map(request.metadata.mapValues(FormURLEncoder.Value.text))])))
        }
        let session = try await post("/v1/checkout/sessions", form, idempotencyKey: idempotencyKey, as: StripeCheckoutSession.self)
        guard let url = session.url else {
            throw IntegrationError(.invalidResponse, provider: "stripe", message: "checkout session without a url")
        }
        return CheckoutSession(id: session.id, url: url, paymentIntentID: session.payment_intent)
    }

    func createRefund(_ request: RefundRequest, idempotencyKey: String) async throws -> Refund {
        var form: [(String, FormURLEncoder.Value)] = [("payment_intent", .text(request.paymentIntentID))]
        if let amount = request.amount { form.append(("amount", .int(amount))) }
        form.append(contentsOf: Self.metadata(request.metadata))
        let refund = try await post("/v1/refunds", form, idempotencyKey: idempotencyKey, as: StripeRefund.self)
        return Refund(id: refund.id, status: refund.status ?? "pending", amount: refund.amount, currency: refund.currency,
                      paymentIntentID: refund.payment_intent)
    }

    // MARK: - Wire

    private static func metadata(_ metadata: [String: String]) -> [(String, FormURLEncoder.Value)] {
        metadata.isEmpty ? [] : [("metadata", .map(metadata.mapValues(FormURLEncoder.Value.text)))]
    }

    private func post<T: Decodable>(_ path: String, _ form: [(String, FormURLEncoder.Value)], idempotencyKey: String,
                                    as type: T.Type) async throws -> T {
        let response = try await client.send(
            .POST, path, headers: [ProviderClient.bearer(secretKey), ("Idempotency-Key", idempotencyKey)], body: .form(form))
        return try decode(response, as: type)
    }

    private func decode<T: Decodable>(_ response: ProviderResponse, as type: T.Type) throws -> T {
        guard response.isSuccess else { throw Self.error(from: response) }
        return try response.decode(type, provider: "stripe")
    }

    /// Stripe's own word on retrying (`Stripe-Should-Retry`) wins over the status; card errors
    /// (402) are final whatever the header says.
    static func error(from response: ProviderResponse) -> IntegrationError {
        let body = response.decodeError(StripeErrorBody.self)?.error
        var kind = IntegrationError.kind(forHTTPStatus: response.status)
        if response.status == 402 || body?.type == "card_error" {
            kind = .permanent
        } else if kind != .misconfigured, let shouldRetry = response.headers.first(name: "Stripe-Should-Retry") {
            kind = shouldRetry == "true" ? .retryable : .permanent
        }
        var message = body?.message
        if let decline = body?.decline_code { message = (message.map { $0 + " " } ?? "") + "(decline_code: \(decline))" }
        return response.error(provider: "stripe", kind: kind, code: body?.code ?? body?.type, message: message)
    }
}

// Stripe's JSON, snake_case as on the wire.
struct StripeErrorBody: Decodable {
    struct Detail: Decodable {
        let type: String?
        let code: String?
        let decline_code: String?
        let message: String?
    }
    let error: Detail
}

struct StripePaymentIntent: Decodable {
    let id: String
    let status: String
    let amount: Int
    let currency: String
    let client_secret: String?
    let metadata: [String: String]?

    var domain: PaymentIntent {
        PaymentIntent(id: id, status: PaymentStatus(wireValue: status), amount: amount, currency: currency,
                      clientSecret: client_secret.map(ResolvedSecret.init), metadata: metadata ?? [:])
    }
}

struct StripeCheckoutSession: Decodable {
    let id: String
    let url: String?
    let payment_intent: String?
}

struct StripeRefund: Decodable {
    let id: String
    let status: String?
    let amount: Int
    let currency: String
    let payment_intent: String?
}
