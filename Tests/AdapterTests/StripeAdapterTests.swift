import AdapterHTTP
import AsyncHTTPClient
import CareFlowCore
import Foundation
import StripeAdapter
import Testing

@Suite("Stripe adapter against a fake Stripe")
struct StripeAdapterTests {
    static let key = "sk_test_51CareFlowSecretKey"

    static let paymentIntentJSON = """
        {"id":"pi_3Nabc","object":"payment_intent","amount":1500,"currency":"usd","status":"requires_payment_method",
         "client_secret":"pi_3Nabc_secret_xyz","livemode":false,"metadata":{"invoice_id":"inv_42","tenant":"kigali-health"}}
        """

    func gateway(_ fake: FakeProvider, _ http: HTTPClient,
                 timeouts: IntegrationTimeouts = .standard) throws -> any PaymentGateway {
        try StripeAdapterFactory.make(
            settings: AdapterSettings(adapter: "stripe", values: ["secret_key": Self.key, "webhook_secret": "whsec_x",
                                                                  "base_url": fake.baseURL + "/"]),
            http: http, timeouts: timeouts)
    }

    func expectStripeHeaders(_ request: FakeProvider.Request, idempotencyKey: String?) {
        #expect(request.header("Authorization") == "Bearer \(Self.key)")
        #expect(request.header("Idempotency-Key") == idempotencyKey)
        if request.method == "POST" {
            #expect(request.header("Content-Type") == "application/x-www-form-urlencoded")
        }
    }

    @Test("PaymentIntent create: form body with nested metadata, bearer key, Idempotency-Key")
    func createPaymentIntent() async throws {
        try await withFakeProvider({ _ in .reply(.json(200, Self.paymentIntentJSON)) }) { fake, http in
            let intent = try await gateway(fake, http).createPaymentIntent(
                PaymentRequest(amount: 1500, currency: "USD", description: "Consultation & tests",
                               metadata: ["tenant": "kigali-health", "invoice_id": "inv_42"], customerEmail: "payer@example.org"),
                idempotencyKey: "outbox-7f3a")
            let request = try #require(fake.requests.first)
            #expect(fake.requests.count == 1)
            #expect(request.method == "POST")
            #expect(request.uri == "/v1/payment_intents")
            expectStripeHeaders(request, idempotencyKey: "outbox-7f3a")
            #expect(request.text == "amount=1500&currency=usd&automatic_payment_methods%5Benabled%5D=true"
                + "&description=Consultation+%26+tests&receipt_email=payer%40example.org"
                + "&metadata%5Binvoice_id%5D=inv_42&metadata%5Btenant%5D=kigali-health")
            #expect(intent.id == "pi_3Nabc")
            #expect(intent.status == .requiresPaymentMethod)
            #expect(intent.amount == 1500 && intent.currency == "usd")
            #expect(intent.metadata == ["invoice_id": "inv_42", "tenant": "kigali-health"])
            #expect(intent.clientSecret?.reveal() == "pi_3Nabc_secret_xyz")
            #expect("\(intent)".contains("pi_3Nabc_secret_xyz") == false)
        }
    }

    @Test("PaymentIntent retrieve is a GET without body or key; cancel is a keyed POST")
    func retrieveAndCancel() async throws {
        let canceled = Self.paymentIntentJSON.replacingOccurrences(of: "requires_payment_method", with: "canceled")
        try await withFakeProvider({ request in
            .reply(.json(200, request.method == "GET" ? Self.paymentIntentJSON : canceled))
        }) { fake, http in
            let gateway = try gateway(fake, http)
            let found = try await gateway.retrievePaymentIntent(id: "pi_3Nabc")
            let cancelled = try await gateway.cancelPaymentIntent(id: "pi_3Nabc", idempotencyKey: "outbox-cancel-1")
            let (get, post) = (fake.requests[0], fake.requests[1])
            #expect(get.method == "GET" && get.uri == "/v1/payment_intents/pi_3Nabc" && get.body.isEmpty)
            expectStripeHeaders(get, idempotencyKey: nil)
            #expect(post.method == "POST" && post.uri == "/v1/payment_intents/pi_3Nabc/cancel" && post.body.isEmpty)
            expectStripeHeaders(post, idempotencyKey: "outbox-cancel-1")
            #expect(found.status == .requiresPaymentMethod)
            #expect(cancelled.status == .canceled)
        }
    }

    @Test("An id cannot reach another route")
    func idIsOnePathSegment() async throws {
        try await withFakeProvider({ _ in .reply(.json(200, Self.paymentIntentJSON)) }) { fake, http in
            _ = try await gateway(fake, http).retrievePaymentIntent(id: "pi_1/../../v1/refunds?x=1")
            #expect(fake.requests[0].uri == "/v1/payment_intents/pi_1%2F..%2F..%2Fv1%2Frefunds%3Fx%3D1")
        }
    }

    @Test("Checkout Session create: line_items[0][price_data][…] encoding")
    func createCheckoutSession() async throws {
        let session = #"{"id":"cs_test_a1","object":"checkout.session","url":"https://checkout.stripe.com/c/pay/cs_test_a1","payment_intent":null}"#
        try await withFakeProvider({ _ in .reply(.json(200, session)) }) { fake, http in
            let result = try await gateway(fake, http).createCheckoutSession(
                CheckoutRequest(lineItems: [.init(name: "Consultation", unitAmount: 2000, currency: "usd"),
                                            .init(name: "Lab test", unitAmount: 750, currency: "usd", quantity: 2)],
                                successURL: "https://care.example/paid?s={CHECKOUT_SESSION_ID}", cancelURL: "https://care.example/cancel",
                                metadata: ["invoice_id": "inv_42"]),
                idempotencyKey: "outbox-cs-1")
            let request = try #require(fake.requests.first)
            #expect(request.method == "POST" && request.uri == "/v1/checkout/sessions")
            expectStripeHeaders(request, idempotencyKey: "outbox-cs-1")
            let expected: [(String, String)] = [
                ("mode", "payment"),
                ("line_items[0][price_data][currency]", "usd"),
                ("line_items[0][price_data][product_data][name]", "Consultation"),
                ("line_items[0][price_data][unit_amount]", "2000"),
                ("line_items[0][quantity]", "1"),
                ("line_items[1][price_data][currency]", "usd"),
                ("line_items[1][price_data][product_data][name]", "Lab test"),
                ("line_items[1][price_data][unit_amount]", "750"),
                ("line_items[1][quantity]", "2"),
                ("success_url", "https://care.example/paid?s={CHECKOUT_SESSION_ID}"),
                ("cancel_url", "https://care.example/cancel"),
                ("metadata[invoice_id]", "inv_42"),
                ("payment_intent_data[metadata][invoice_id]", "inv_42"),
            ]
            #expect(request.form.map(\.0) == expected.map(\.0))
            #expect(request.form.map(\.1) == expected.map(\.1))
            #expect(request.text.hasPrefix("mode=payment&line_items%5B0%5D%5Bprice_data%5D%5Bcurrency%5D=usd&"))
            #expect(result == CheckoutSession(id: "cs_test_a1", url: "https://checkout.stripe.com/c/pay/cs_test_a1"))
        }
    }

    @Test("Refund create: payment_intent and optional amount")
    func createRefund() async throws {
        let refund = #"{"id":"re_1","object":"refund","amount":500,"currency":"usd","payment_intent":"pi_3Nabc","status":"succeeded"}"#
        try await withFakeProvider({ _ in .reply(.json(200, refund)) }) { fake, http in
            let result = try await gateway(fake, http).createRefund(RefundRequest(paymentIntentID: "pi_3Nabc", amount: 500),
                                                                   idempotencyKey: "outbox-re-1")
            let request = try #require(fake.requests.first)
            #expect(request.method == "POST" && request.uri == "/v1/refunds")
            expectStripeHeaders(request, idempotencyKey: "outbox-re-1")
            #expect(request.text == "payment_intent=pi_3Nabc&amount=500")
            #expect(result == Refund(id: "re_1", status: "succeeded", amount: 500, currency: "usd", paymentIntentID: "pi_3Nabc"))
        }
    }

    @Test("402 card_declined is permanent, with Stripe's code and decline code")
    func cardDeclined() async throws {
        let body = #"{"error":{"type":"card_error","code":"card_declined","decline_code":"insufficient_funds","message":"Your card has insufficient funds.","charge":"ch_1"}}"#
        try await withFakeProvider({ _ in .reply(.json(402, body, headers: [("Stripe-Should-Retry", "false")])) }) { fake, http in
            let error = try #require(await integrationError {
                _ = try await gateway(fake, http).createPaymentIntent(PaymentRequest(amount: 100, currency: "usd"), idempotencyKey: "k1")
            })
            #expect(error.kind == .permanent && !error.isRetryable)
            #expect(error.provider == "stripe" && error.httpStatus == 402 && error.providerCode == "card_declined")
            #expect(error.message.contains("insufficient funds") && error.message.contains("insufficient_funds"))
            #expect(error.retryAfter == nil)
        }
    }

    @Test("429 is retryable and keeps Retry-After")
    func rateLimited() async throws {
        let body = #"{"error":{"type":"invalid_request_error","code":"rate_limit","message":"Too many requests hit the API too quickly."}}"#
        try await withFakeProvider({ _ in .reply(.json(429, body, headers: [("Retry-After", "2")])) }) { fake, http in
            let error = try #require(await integrationError {
                _ = try await gateway(fake, http).createRefund(RefundRequest(paymentIntentID: "pi_1"), idempotencyKey: "k2")
            })
            #expect(error.kind == .retryable && error.httpStatus == 429 && error.providerCode == "rate_limit")
            #expect(error.retryAfter == .seconds(2))
            #expect(fake.requests.count == 1, "the outbox retries, not the adapter")
        }
    }

    @Test("500 api_error is retryable")
    func serverError() async throws {
        let body = #"{"error":{"type":"api_error","message":"An unknown error occurred"}}"#
        try await withFakeProvider({ _ in .reply(.json(500, body)) }) { fake, http in
            let error = try #require(await integrationError {
                _ = try await gateway(fake, http).retrievePaymentIntent(id: "pi_1")
            })
            #expect(error.kind == .retryable && error.httpStatus == 500 && error.providerCode == "api_error")
        }
    }

    @Test("400 idempotency_error is permanent; an HTML proxy error page still maps by status")
    func otherErrors() async throws {
        let counter = Counter()
        let body = #"{"error":{"type":"idempotency_error","message":"Keys for idempotent requests can only be used with the same parameters they were first used with."}}"#
        try await withFakeProvider({ _ in
            counter.next() == 1 ? .reply(.json(400, body)) : .reply(FakeProvider.Reply(status: 502, body: "<html>Bad gateway</html>"))
        }) { fake, http in
            let first = try #require(await integrationError { _ = try await gateway(fake, http).retrievePaymentIntent(id: "pi_1") })
            #expect(first.kind == .permanent && first.providerCode == "idempotency_error")
            let second = try #require(await integrationError { _ = try await gateway(fake, http).retrievePaymentIntent(id: "pi_1") })
            #expect(second.kind == .retryable && second.httpStatus == 502 && second.message == "HTTP 502")
        }
    }

    @Test("401 is misconfigured, and the key Stripe echoes never reaches the error")
    func badKey() async throws {
        let body = #"{"error":{"type":"invalid_request_error","message":"Invalid API Key provided: sk_test_51CareFlowSecretKey"}}"#
        try await withFakeProvider({ _ in .reply(.json(401, body)) }) { fake, http in
            let error = try #require(await integrationError {
                _ = try await gateway(fake, http).createPaymentIntent(PaymentRequest(amount: 1, currency: "usd"), idempotencyKey: "k")
            })
            #expect(error.kind == .misconfigured && error.httpStatus == 401)
            #expect(!"\(error)".contains(Self.key) && !error.message.contains("sk_test"))
        }
    }

    @Test("A provider that never answers: the request deadline fires and the error is retryable")
    func timeout() async throws {
        let timeouts = IntegrationTimeouts(connect: .seconds(1), request: .milliseconds(400))
        try await withFakeProvider(timeouts: timeouts, { _ in .hang }) { fake, http in
            let started = ContinuousClock.now
            let error = try #require(await integrationError {
                _ = try await gateway(fake, http, timeouts: timeouts).createPaymentIntent(
                    PaymentRequest(amount: 1, currency: "usd"), idempotencyKey: "k")
            })
            #expect(error.kind == .retryable && error.httpStatus == nil)
            #expect(error.message == "no answer before the request timeout")
            // The fake never answers, so any bound shows the deadline fired; generous, because the
            // test process can stall for ~40 s at the start of a CI run (see TimeoutTests).
            #expect(ContinuousClock.now - started < .seconds(180))
            #expect(fake.requests.count == 1)
        }
    }

    @Test("Nothing listening: a connection error is retryable")
    func connectionRefused() async throws {
        let fake = try await FakeProvider.start { _ in .hang }
        let closedURL = fake.baseURL
        await fake.stop()
        // async-http-client keeps retrying a refused connection until the connect timeout.
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: ProviderClient.configuration(
            timeouts: IntegrationTimeouts(connect: .milliseconds(300), request: .seconds(5))))
        let gateway = try StripeAdapterFactory.make(
            settings: AdapterSettings(adapter: "stripe", values: ["secret_key": Self.key, "base_url": closedURL]), http: http)
        let error = await integrationError { _ = try await gateway.retrievePaymentIntent(id: "pi_1") }
        try await http.shutdown()
        #expect(error?.kind == .retryable && error?.httpStatus == nil)
    }

    @Test("409 while the same key is in flight is retryable (Stripe-Should-Retry); a resend repeats key and body")
    func idempotentResend() async throws {
        let counter = Counter()
        let conflict = #"{"error":{"type":"idempotency_error","message":"There is currently another in-progress request using this Idempotent Key."}}"#
        try await withFakeProvider({ _ in
            counter.next() == 1 ? .reply(.json(409, conflict, headers: [("Stripe-Should-Retry", "true")])) : .reply(.json(200, Self.paymentIntentJSON))
        }) { fake, http in
            let gateway = try gateway(fake, http)
            let request = PaymentRequest(amount: 1500, currency: "usd", metadata: ["invoice_id": "inv_42"])
            let error = await integrationError { _ = try await gateway.createPaymentIntent(request, idempotencyKey: "outbox-9") }
            #expect(error?.kind == .retryable && error?.httpStatus == 409)
            _ = try await gateway.createPaymentIntent(request, idempotencyKey: "outbox-9")
            #expect(fake.requests.map { $0.header("Idempotency-Key") } == ["outbox-9", "outbox-9"])
            #expect(fake.requests[0].body == fake.requests[1].body)
        }
    }

    @Test("The factory names the missing setting")
    func missingKey() throws {
        let http = HTTPClient.shared
        #expect(throws: AdapterConfigurationError(adapter: "stripe", field: "secret_key", reason: "required secret is missing or empty")) {
            _ = try StripeAdapterFactory.make(settings: AdapterSettings(adapter: "stripe", values: ["webhook_secret": "whsec"]), http: http)
        }
        #expect(throws: AdapterConfigurationError.self) {
            _ = try StripeAdapterFactory.make(
                settings: AdapterSettings(adapter: "stripe", values: ["secret_key": "sk", "base_url": "ftp://x"]), http: http)
        }
    }
}
