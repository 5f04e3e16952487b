import CareFlowCore

/// The `console` adapter for payments: records each call and keeps the payments it "created"
/// in memory so they can be retrieved and cancelled. Nothing is charged. Ids are derived from
/// the idempotency key, so a repeated create returns the first payment, as a provider would.
public actor ConsolePaymentGateway: PaymentGateway {
    let journal: ConsoleJournal
    private var intents: [String: PaymentIntent] = [:]

    public init(journal: ConsoleJournal) {
        self.journal = journal
    }

    public func createPaymentIntent(_ request: PaymentRequest, idempotencyKey: String) async throws -> PaymentIntent {
        let id = "pi_console_\(idempotencyKey)"
        if let existing = intents[id] { return existing }
        let intent = PaymentIntent(id: id, status: .requiresPaymentMethod, amount: request.amount, currency: request.currency,
                                   clientSecret: ResolvedSecret("\(id)_secret_console"), metadata: request.metadata)
        intents[id] = intent
        try await record("payment_intent.create", to: request.customerEmail ?? "", body: request.description ?? "",
                         key: idempotencyKey, ["id": .string(id), "amount": .number(Double(request.amount)),
                                              "currency": .string(request.currency)])
        return intent
    }

    public func retrievePaymentIntent(id: String) async throws -> PaymentIntent {
        guard let intent = intents[id] else {
            throw IntegrationError(.permanent, provider: "console", httpStatus: 404, providerCode: "resource_missing",
                                   message: "No such payment intent")
        }
        return intent
    }

    public func cancelPaymentIntent(id: String, idempotencyKey: String) async throws -> PaymentIntent {
        var intent = try await retrievePaymentIntent(id: id)
        intent.status = .canceled
        intents[id] = intent
        try await record("payment_intent.cancel", to: "", body: "", key: idempotencyKey, ["id": .string(id)])
        return intent
    }

    /// The "checkout page" is the success URL itself: the demo flow completes at once.
    public func createCheckoutSession(_ request: CheckoutRequest, idempotencyKey: String) async throws -> CheckoutSession {
        let id = "cs_console_\(idempotencyKey)"
        let total = request.lineItems.reduce(0) { $0 + $1.unitAmount * $1.quantity }
        try await record("checkout_session.create", to: request.customerEmail ?? "", body: request.lineItems.map(\.name).joined(separator: ", "),
                         key: idempotencyKey, ["id": .string(id), "amount": .number(Double(total))])
        return CheckoutSession(id: id, url: request.successURL)
    }

    public func createRefund(_ request: RefundRequest, idempotencyKey: String) async throws -> Refund {
        // A payment this process did not create (`careflow payments simulate` runs in its own
        // process; a restart empties memory) can still be refunded by an explicit amount.
        let known = intents[request.paymentIntentID]
        if known == nil && request.amount == nil { _ = try await retrievePaymentIntent(id: request.paymentIntentID) }
        let intent = known ?? PaymentIntent(id: request.paymentIntentID, status: .succeeded, amount: request.amount ?? 0, currency: "")
        let refund = Refund(id: "re_console_\(idempotencyKey)", status: "succeeded", amount: request.amount ?? intent.amount,
                            currency: intent.currency, paymentIntentID: intent.id)
        try await record("refund.create", to: "", body: "", key: idempotencyKey,
                         ["id": .string(refund.id), "payment_intent": .string(intent.id), "amount": .number(Double(refund.amount))])
        return refund
    }

    private func record(_ action: String, to: String, body: String, key: String, _ details: [String: JSONValue]) async throws {
        var details = details
        details["action"] = .string(action)
        try await journal.append(capability: "payments", to: to, subject: nil, body: body, idempotencyKey: key, details: details)
    }
}
