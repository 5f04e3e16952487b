@testable import CareFlowAPI
@testable import CareFlowCore
import Fluent
import Foundation
import StripeAdapter
import Synchronization
import Vapor
import VaporTesting

/// Invoices written straight through the Fluent models (the invoice endpoints are another
/// part of issue 14), and Stripe webhook bodies signed as Stripe signs them.
enum PaymentFixtures {
    /// An invoice of `patientID` at `facility` (default f1) with one line of `total` (no tax).
    @discardableResult
    static func invoice(_ app: Application, _ t: TestTenant, patientID: UUID, facility: Facility? = nil, status: Invoice.Status = .open,
                        total: Int = 15000, currency: String = "rwf", paymentID: String? = nil, provider: String? = nil,
                        paid: Int = 0) async throws -> Invoice {
        let scope = TenantScope(tenantID: t.id, db: app.db)
        let cipher = try await app.services.keyring.cipher(forTenant: t.id, on: app.db)
        let facility = facility ?? t.f1
        let invoice = Invoice()
        invoice.id = TimeOrderedID.make()
        invoice.tenantID = t.id
        invoice.facilityID = facility.id!
        invoice.patientID = patientID
        invoice.number = "INV-\(facility.code)-2026-\(Int.random(in: 1...999_999))"
        invoice.status = status
        invoice.currency = currency
        invoice.subtotal = total
        invoice.tax = 0
        invoice.total = total
        invoice.amountPaid = paid
        invoice.amountRefunded = 0
        invoice.paymentProvider = provider
        invoice.providerPaymentID = paymentID
        invoice.issuedAt = Date()
        invoice.paidAt = paid > 0 ? Date() : nil
        invoice.createdBy = t[.billing].id
        invoice.createdAt = Date()
        try await scope.create(invoice)
        let line = InvoiceLine()
        line.id = TimeOrderedID.make()
        line.tenantID = t.id
        line.invoiceID = invoice.id!
        line.position = 0
        line.descriptionSealed = try cipher.seal("Consultation")
        line.quantity = 1
        line.unitAmount = total
        line.taxRateBps = 0
        line.amount = total
        line.tax = 0
        try await scope.create(line)
        return invoice
    }

    static func reload(_ app: Application, _ invoice: Invoice) async throws -> Invoice {
        try await TenantScope(tenantID: invoice.tenantID, db: app.db).require(Invoice.self, invoice.id, name: "Invoice")
    }

    static func audits(_ app: Application, _ action: String, invoice: Invoice) async throws -> [AuditEvent] {
        try await AuditEvent.query(on: app.db).filter(\.$action == action).filter(\.$targetID == invoice.id!.lowercasedString).all()
    }

    /// A Stripe event body (the members Stripe sends that CareFlow reads, plus a few it ignores).
    static func event(_ id: String, type: String, created: Int, object: [String: Any]) -> String {
        jsonBody(["id": id, "object": "event", "type": type, "created": created, "livemode": false, "api_version": "2024-06-20",
                  "data": ["object": object]])
    }

    static func intentObject(_ intent: String, amount: Int, currency: String = "rwf", received: Int? = nil,
                             metadata: [String: String] = [:]) -> [String: Any] {
        ["id": intent, "object": "payment_intent", "amount": amount, "amount_received": received ?? amount, "currency": currency,
         "status": "succeeded", "metadata": metadata]
    }

    static func chargeObject(intent: String, amount: Int, refunded: Int, refunds: [(String, Int, String)]? = nil,
                             currency: String = "rwf") -> [String: Any] {
        var object: [String: Any] = ["id": "ch_\(intent)", "object": "charge", "amount": amount, "amount_captured": amount,
                                     "amount_refunded": refunded, "currency": currency, "payment_intent": intent,
                                     "refunded": refunded >= amount]
        if let refunds {
            object["refunds"] = ["object": "list", "data": refunds.map { ["id": $0.0, "object": "refund", "amount": $0.1, "status": $0.2] }]
        }
        return object
    }

    /// Posts `body` to the tenant's Stripe webhook, signed with `secret` now.
    @discardableResult
    static func deliver(_ app: Application, slug: String, body: String, secret: String) async throws -> TestingHTTPResponse {
        let header = StripeSignature.header(payload: Data(body.utf8), secret: secret, timestamp: Int(Date().timeIntervalSince1970))
        return try await app.send(.POST, "/webhooks/\(slug)/stripe", json: body, headers: [("Stripe-Signature", header)])
    }
}

/// A fake Stripe API on 127.0.0.1 (a real socket, Stripe's paths, form bodies and JSON answers):
/// PaymentIntents, Checkout Sessions and Refunds, each answered once per `Idempotency-Key` (a
/// repeated key gets the first answer, as Stripe does for 24 h). Records every request.
final class FakeStripe: Sendable {
    struct Seen: Sendable {
        let path: String
        let form: [String: String]
        let idempotencyKey: String?
    }

    let app: Application
    let port: Int
    private let state = Mutex<(seen: [Seen], answers: [String: String], created: Int)>(([], [:], 0))
    /// How refunds are answered: `succeeded` or `pending`, by the refund's number (1-based).
    private let refundStatus: @Sendable (Int) -> String
    /// While set, every request is answered with this status and Stripe's error body.
    private let failing = Mutex<Int?>(nil)

    func fail(with status: Int?) { failing.withLock { $0 = status } }

    static let secretKey = "sk_test_fake_careflow"
    static let webhookSecret = "whsec_fake_stripe_payments"

    private init(app: Application, port: Int, refundStatus: @escaping @Sendable (Int) -> String) {
        self.app = app
        self.port = port
        self.refundStatus = refundStatus
    }

    var baseURL: String { "http://127.0.0.1:\(port)" }
    var seen: [Seen] { state.withLock { $0.seen } }
    /// How many objects the fake created (a replayed idempotency key creates none).
    var created: Int { state.withLock { $0.created } }

    static func start(refundStatus: @escaping @Sendable (Int) -> String = { _ in "succeeded" }) async throws -> FakeStripe {
        let app = try await Application.make(.testing)
        let box = Mutex<FakeStripe?>(nil)
        for path in [["v1", "payment_intents"], ["v1", "checkout", "sessions"], ["v1", "refunds"]] {
            app.post(path.map { PathComponent.constant($0) }) { req async throws -> Response in
                guard let fake = box.withLock({ $0 }) else { throw Abort(.internalServerError) }
                guard req.headers.bearerAuthorization?.token == secretKey else {
                    return Self.json(401, #"{"error":{"type":"invalid_request_error","message":"Invalid API Key provided"}}"#)
                }
                if let status = fake.failing.withLock({ $0 }) {
                    let type = status == 402 ? "card_error" : "api_error"
                    return Self.json(status, #"{"error":{"type":"\#(type)","code":"\#(status == 402 ? "card_declined" : "server_error")","message":"failed"}}"#)
                }
                let text = req.body.string ?? ""
                return Self.json(200, fake.answer(path: "/" + path.joined(separator: "/"), form: Self.decodeForm(text),
                                                  key: req.headers.first(name: "Idempotency-Key")))
            }
        }
        try await app.server.start(address: .hostname("127.0.0.1", port: 0))
        let fake = FakeStripe(app: app, port: app.http.server.shared.localAddress?.port ?? 0, refundStatus: refundStatus)
        box.withLock { $0 = fake }
        return fake
    }

    private func answer(path: String, form: [String: String], key: String?) -> String {
        state.withLock { state in
            state.seen.append(Seen(path: path, form: form, idempotencyKey: key))
            if let key, let first = state.answers[path + " " + key] { return first }
            state.created += 1
            let n = state.created
            let body: String
            switch path {
            case "/v1/payment_intents":
                let id = "pi_fake_\(n)"
                body = jsonBody(["id": id, "object": "payment_intent", "status": "requires_payment_method",
                                 "amount": Int(form["amount"] ?? "") ?? 0, "currency": form["currency"] ?? "",
                                 "client_secret": "\(id)_secret_\(n)", "metadata": Self.metadata(form)])
            case "/v1/checkout/sessions":
                let id = "cs_fake_\(n)"
                body = jsonBody(["id": id, "object": "checkout.session", "url": "https://checkout.stripe.test/c/pay/\(id)",
                                 "payment_intent": NSNull(), "amount_total": Int(form["line_items[0][price_data][unit_amount]"] ?? "") ?? 0])
            default:
                let refunds = state.seen.filter { $0.path == "/v1/refunds" }.count
                body = jsonBody(["id": "re_fake_\(n)", "object": "refund", "amount": Int(form["amount"] ?? "") ?? 0, "currency": "rwf",
                                 "payment_intent": form["payment_intent"] ?? "", "status": refundStatus(refunds)])
            }
            if let key { state.answers[path + " " + key] = body }
            return body
        }
    }

    private static func metadata(_ form: [String: String]) -> [String: String] {
        var metadata: [String: String] = [:]
        for (name, value) in form where name.hasPrefix("metadata[") && name.hasSuffix("]") {
            metadata[String(name.dropFirst("metadata[".count).dropLast())] = value
        }
        return metadata
    }

    static func decodeForm(_ text: String) -> [String: String] {
        var form: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map {
                String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String($0)
            }
            form[parts[0]] = parts.count > 1 ? parts[1] : ""
        }
        return form
    }

    private static func json(_ status: Int, _ body: String) -> Response {
        Response(status: HTTPResponseStatus(statusCode: status), headers: ["Content-Type": "application/json"], body: .init(string: body))
    }

    /// A tenant file whose payments adapter is this server (`stripe`), secrets in the environment.
    func tenantFile(slug: String, webhookVariable: String = "FAKE_STRIPE_WHSEC") -> String {
        """
        slug: \(slug)
        name: Tenant \(slug)
        timezone: Africa/Kigali
        integrations:
          payments: {adapter: stripe, secret_key: env:FAKE_STRIPE_KEY, webhook_secret: env:\(webhookVariable), base_url: "\(baseURL)"}
        """
    }

    func stop() async {
        await app.server.shutdown()
        try? await app.asyncShutdown()
    }
}

/// Runs `body` with a fake Stripe server, stopped afterwards whatever happened.
func withFakeStripe<T>(refundStatus: @escaping @Sendable (Int) -> String = { _ in "succeeded" },
                       _ body: (FakeStripe) async throws -> T) async throws -> T {
    let fake = try await FakeStripe.start(refundStatus: refundStatus)
    do {
        let result = try await body(fake)
        await fake.stop()
        return result
    } catch {
        await fake.stop()
        throw error
    }
}
