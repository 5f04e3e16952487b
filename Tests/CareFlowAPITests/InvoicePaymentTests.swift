@testable import CareFlowAPI
@testable import CareFlowCore
import Fluent
import Foundation
import Testing
import VaporTesting

/// Issue 14, invoices and payments: a payment started through the tenant's Stripe adapter (a
/// fake Stripe on 127.0.0.1), then moved by signed Stripe webhooks; replays, out-of-order and
/// mismatching events; refunds; checkout; tenant isolation.
@Suite("Invoice payments, refunds and payment webhooks")
struct InvoicePaymentTests {
    static let otherSecret = "whsec_other_tenant_payments"

    static func withPayments(_ backend: TestBackend, refundStatus: @escaping @Sendable (Int) -> String = { _ in "succeeded" },
                             _ body: (Application, TestTenant, UUID, FakeStripe) async throws -> Void) async throws {
        try await withFakeStripe(refundStatus: refundStatus) { fake in
            try await withCareFlow(backend, tenantFiles: ["pay.yaml": fake.tenantFile(slug: "pay"),
                                                          "other.yaml": fake.tenantFile(slug: "other", webhookVariable: "OTHER_WHSEC")],
                                   configure: { config in
                config.secretEnvironment = ["FAKE_STRIPE_KEY": FakeStripe.secretKey, "FAKE_STRIPE_WHSEC": FakeStripe.webhookSecret,
                                            "OTHER_WHSEC": otherSecret]
            }) { app in
                let t = try await Fixtures.tenant(app, slug: "pay")
                _ = try await Fixtures.tenant(app, slug: "other")
                let patientID = try await Fixtures.patient(app, t)
                try await body(app, t, patientID, fake)
            }
        }
    }

    static var now: Int { Int(Date().timeIntervalSince1970) }

    @Test("paid through the Stripe fake: what is due with our references, the same intent again, paid once, a replay has no effect",
          arguments: TestBackend.enabled)
    func paidThroughStripe(backend: TestBackend) async throws {
        try await Self.withPayments(backend) { app, t, patientID, fake in
            let invoice = try await PaymentFixtures.invoice(app, t, patientID: patientID, total: 15000, paid: 0)
            let path = "/api/v1/invoices/\(invoice.id!)/payment"
            let res = try await app.send(.POST, path, token: t[.patient].token, json: #"{"mode":"payment_intent"}"#)
            #expect(res.status == .ok, "\(res.text)")
            let intent = try #require(res.json["payment_intent_id"] as? String)
            #expect((res.json["client_secret"] as? String)?.hasPrefix(intent + "_secret_") == true)
            #expect(res.json["amount"] as? Int == 15000 && res.json["currency"] as? String == "rwf" && res.json["url"] is NSNull)
            let sent = try #require(fake.seen.first)
            #expect(sent.path == "/v1/payment_intents" && sent.form["amount"] == "15000" && sent.form["currency"] == "rwf")
            #expect(sent.form["metadata[invoice_id]"] == invoice.id!.lowercasedString && sent.form["metadata[tenant]"] == "pay")
            #expect(!sent.form.values.contains { $0.contains("Aline") || $0.contains("Uwase") }, "no PHI goes to the provider")
            #expect(sent.idempotencyKey?.isEmpty == false)

            let again = try await app.send(.POST, path, token: t[.billing].token, json: #"{"mode":"payment_intent"}"#)
            #expect(again.json["payment_intent_id"] as? String == intent)
            #expect(fake.created == 1 && fake.seen.count == 2 && fake.seen[1].idempotencyKey == sent.idempotencyKey)
            var stored = try await PaymentFixtures.reload(app, invoice)
            #expect(stored.status == .open && stored.providerPaymentID == intent && stored.paymentProvider == "stripe")
            #expect(try await PaymentFixtures.audits(app, "invoice.payment_start", invoice: invoice).count == 2)

            let body = PaymentFixtures.event("evt_pay_1", type: "payment_intent.succeeded", created: Self.now,
                                             object: PaymentFixtures.intentObject(intent, amount: 15000))
            let hook = try await PaymentFixtures.deliver(app, slug: "pay", body: body, secret: FakeStripe.webhookSecret)
            #expect(hook.status == .ok && hook.json["replayed"] as? Bool == false, "\(hook.text)")
            stored = try await PaymentFixtures.reload(app, invoice)
            #expect(stored.status == .paid && stored.amountPaid == 15000 && stored.paidAt != nil)
            let replay = try await PaymentFixtures.deliver(app, slug: "pay", body: body, secret: FakeStripe.webhookSecret)
            #expect(replay.status == .ok && replay.json["replayed"] as? Bool == true)
            stored = try await PaymentFixtures.reload(app, invoice)
            #expect(stored.status == .paid && stored.amountPaid == 15000)
            #expect(try await PaymentFixtures.audits(app, "invoice.paid", invoice: invoice).count == 1)

            // Paid: no second payment can be started.
            let closed = try await app.send(.POST, path, token: t[.patient].token, json: #"{"mode":"payment_intent"}"#)
            #expect(closed.status == .conflict && closed.isProblem)
        }
    }

    @Test("a provider that fails answers 503 (worth retrying) or 502 (refused); the invoice keeps no payment; the attempt is audited",
          arguments: TestBackend.enabled)
    func providerErrors(backend: TestBackend) async throws {
        try await Self.withPayments(backend) { app, t, patientID, fake in
            let invoice = try await PaymentFixtures.invoice(app, t, patientID: patientID, total: 15000)
            let path = "/api/v1/invoices/\(invoice.id!)/payment"
            fake.fail(with: 503)
            let unavailable = try await app.send(.POST, path, token: t[.patient].token, json: #"{"mode":"payment_intent"}"#)
            #expect(unavailable.status == .serviceUnavailable && unavailable.isProblem, "\(unavailable.text)")
            fake.fail(with: 402)
            let refused = try await app.send(.POST, path, token: t[.patient].token, json: #"{"mode":"payment_intent"}"#)
            #expect(refused.status == .badGateway && refused.isProblem, "\(refused.text)")
            let stored = try await PaymentFixtures.reload(app, invoice)
            #expect(stored.status == .open && stored.providerPaymentID == nil)
            let attempts = try await PaymentFixtures.audits(app, "invoice.payment_start", invoice: invoice)
            #expect(attempts.count == 2 && attempts.allSatisfy { $0.outcome == "failure" })
            fake.fail(with: nil)
            let ok = try await app.send(.POST, path, token: t[.patient].token, json: #"{"mode":"payment_intent"}"#)
            #expect(ok.status == .ok)
        }
    }

    @Test("out of order: a refund then an older success stays refunded; a failure after the success stays paid",
          arguments: TestBackend.enabled)
    func outOfOrder(backend: TestBackend) async throws {
        try await Self.withPayments(backend) { app, t, patientID, _ in
            let refunded = try await PaymentFixtures.invoice(app, t, patientID: patientID, total: 8000, paymentID: "pi_ooo_1", provider: "stripe")
            let t0 = Self.now
            try await PaymentFixtures.deliver(app, slug: "pay", body: PaymentFixtures.event(
                "evt_ooo_refund", type: "charge.refunded", created: t0,
                object: PaymentFixtures.chargeObject(intent: "pi_ooo_1", amount: 8000, refunded: 8000)), secret: FakeStripe.webhookSecret)
            var stored = try await PaymentFixtures.reload(app, refunded)
            #expect(stored.status == .refunded && stored.amountPaid == 8000 && stored.amountRefunded == 8000)
            try await PaymentFixtures.deliver(app, slug: "pay", body: PaymentFixtures.event(
                "evt_ooo_success", type: "payment_intent.succeeded", created: t0 - 60,
                object: PaymentFixtures.intentObject("pi_ooo_1", amount: 8000)), secret: FakeStripe.webhookSecret)
            stored = try await PaymentFixtures.reload(app, refunded)
            #expect(stored.status == .refunded && stored.amountPaid == 8000 && stored.amountRefunded == 8000)

            let paid = try await PaymentFixtures.invoice(app, t, patientID: patientID, total: 8000, paymentID: "pi_ooo_2", provider: "stripe")
            try await PaymentFixtures.deliver(app, slug: "pay", body: PaymentFixtures.event(
                "evt_ooo_2_ok", type: "payment_intent.succeeded", created: t0,
                object: PaymentFixtures.intentObject("pi_ooo_2", amount: 8000)), secret: FakeStripe.webhookSecret)
            try await PaymentFixtures.deliver(app, slug: "pay", body: PaymentFixtures.event(
                "evt_ooo_2_fail", type: "payment_intent.payment_failed", created: t0 + 30,
                object: ["id": "pi_ooo_2", "object": "payment_intent", "amount": 8000, "currency": "rwf", "status": "requires_payment_method",
                         "last_payment_error": ["code": "card_declined", "decline_code": "insufficient_funds"]]), secret: FakeStripe.webhookSecret)
            stored = try await PaymentFixtures.reload(app, paid)
            #expect(stored.status == .paid && stored.amountPaid == 8000)

            // A failure on an open invoice leaves it open and is audited with the reason.
            let open = try await PaymentFixtures.invoice(app, t, patientID: patientID, total: 8000, paymentID: "pi_ooo_3", provider: "stripe")
            try await PaymentFixtures.deliver(app, slug: "pay", body: PaymentFixtures.event(
                "evt_ooo_3_fail", type: "payment_intent.payment_failed", created: t0,
                object: ["id": "pi_ooo_3", "object": "payment_intent", "amount": 8000, "currency": "rwf", "status": "requires_payment_method",
                         "last_payment_error": ["code": "card_declined"]]), secret: FakeStripe.webhookSecret)
            #expect(try await PaymentFixtures.reload(app, open).status == .open)
            let failures = try await PaymentFixtures.audits(app, "invoice.payment_failed", invoice: open)
            #expect(failures.count == 1 && failures.first?.details.contains("card_declined") == true)
        }
    }

    @Test("a success for the wrong amount or currency does not pay the invoice and is audited", arguments: TestBackend.enabled)
    func mismatch(backend: TestBackend) async throws {
        try await Self.withPayments(backend) { app, t, patientID, _ in
            let invoice = try await PaymentFixtures.invoice(app, t, patientID: patientID, total: 15000, paymentID: "pi_mm", provider: "stripe")
            for (n, (amount, currency)) in [(14999, "rwf"), (15000, "usd"), (15001, "rwf")].enumerated() {
                let res = try await PaymentFixtures.deliver(app, slug: "pay", body: PaymentFixtures.event(
                    "evt_mm_\(n)", type: "payment_intent.succeeded", created: Self.now,
                    object: PaymentFixtures.intentObject("pi_mm", amount: amount, currency: currency)), secret: FakeStripe.webhookSecret)
                #expect(res.status == .ok)
                let stored = try await PaymentFixtures.reload(app, invoice)
                #expect(stored.status == .open && stored.amountPaid == 0, "\(amount) \(currency)")
            }
            let audits = try await PaymentFixtures.audits(app, "invoice.payment_mismatch", invoice: invoice)
            #expect(audits.count == 3 && audits.allSatisfy { $0.outcome == "failure" && $0.details.contains("expected_amount") && $0.details.contains("15000") })
        }
    }

    @Test("a partial then a full refund: the provider's answer and the webhook count once; the bounds are checked",
          arguments: TestBackend.enabled)
    func refunds(backend: TestBackend) async throws {
        // The first refund succeeds at once; the second is pending until its webhook.
        try await Self.withPayments(backend, refundStatus: { $0 == 1 ? "succeeded" : "pending" }) { app, t, patientID, fake in
            let invoice = try await PaymentFixtures.invoice(app, t, patientID: patientID, status: .paid, total: 15000, paymentID: "pi_rf",
                                                            provider: "stripe", paid: 15000)
            let path = "/api/v1/invoices/\(invoice.id!)/refund"
            let tooMuch = try await app.send(.POST, path, token: t[.billing].token, json: #"{"amount":15001}"#)
            #expect(tooMuch.status == .unprocessableEntity && (tooMuch.json["errors"] as? [[String: Any]])?.first?["field"] as? String == "amount")
            let zero = try await app.send(.POST, path, token: t[.billing].token, json: #"{"amount":0}"#)
            #expect(zero.status == .unprocessableEntity)
            let patient = try await app.send(.POST, path, token: t[.patient].token, json: #"{"amount":100}"#)
            #expect(patient.status == .forbidden && patient.isProblem)
            #expect(fake.seen.isEmpty)

            let first = try await app.send(.POST, path, token: t[.billing].token, json: #"{"amount":5000}"#)
            #expect(first.status == .ok, "\(first.text)")
            #expect(first.json["status"] as? String == "succeeded" && first.json["invoice_status"] as? String == "partially_refunded")
            #expect(first.json["invoice_amount_refunded"] as? Int == 5000)
            let refundID = try #require(first.json["provider_refund_id"] as? String)
            #expect(fake.seen.last?.form["amount"] == "5000" && fake.seen.last?.form["payment_intent"] == "pi_rf")
            // The same refund reported by its webhook counts once.
            try await PaymentFixtures.deliver(app, slug: "pay", body: PaymentFixtures.event(
                "evt_rf_1", type: "charge.refunded", created: Self.now,
                object: PaymentFixtures.chargeObject(intent: "pi_rf", amount: 15000, refunded: 5000, refunds: [(refundID, 5000, "succeeded")])),
                secret: FakeStripe.webhookSecret)
            var stored = try await PaymentFixtures.reload(app, invoice)
            #expect(stored.status == .partiallyRefunded && stored.amountRefunded == 5000)

            // The rest (no body: everything left), pending at the provider.
            let second = try await app.send(.POST, path, token: t[.billing].token)
            #expect(second.status == .ok, "\(second.text)")
            #expect(second.json["amount"] as? Int == 10000 && second.json["status"] as? String == "pending")
            #expect(second.json["invoice_status"] as? String == "partially_refunded")
            let secondID = try #require(second.json["provider_refund_id"] as? String)
            let nothingLeft = try await app.send(.POST, path, token: t[.billing].token, json: #"{"amount":1}"#)
            #expect(nothingLeft.status == .conflict, "a pending refund is not refunded twice")

            try await PaymentFixtures.deliver(app, slug: "pay", body: PaymentFixtures.event(
                "evt_rf_2", type: "charge.refunded", created: Self.now + 1,
                object: PaymentFixtures.chargeObject(intent: "pi_rf", amount: 15000, refunded: 15000,
                                                     refunds: [(secondID, 10000, "succeeded"), (refundID, 5000, "succeeded")])),
                secret: FakeStripe.webhookSecret)
            stored = try await PaymentFixtures.reload(app, invoice)
            #expect(stored.status == .refunded && stored.amountRefunded == 15000 && stored.amountPaid == 15000)
            let rows = try await InvoiceRefund.query(on: app.db).filter(\.$invoiceID == invoice.id!).all()
            #expect(rows.count == 2 && rows.allSatisfy { $0.status == "succeeded" } && rows.map(\.amount).reduce(0, +) == 15000)
            let closed = try await app.send(.POST, path, token: t[.billing].token, json: #"{"amount":1}"#)
            #expect(closed.status == .conflict)
        }
    }

    @Test("checkout: URLs are required; the session's completion pays the invoice and links its payment", arguments: TestBackend.enabled)
    func checkout(backend: TestBackend) async throws {
        try await Self.withPayments(backend) { app, t, patientID, fake in
            let invoice = try await PaymentFixtures.invoice(app, t, patientID: patientID, total: 12000)
            let path = "/api/v1/invoices/\(invoice.id!)/payment"
            let missing = try await app.send(.POST, path, token: t[.billing].token, json: #"{"mode":"checkout"}"#)
            #expect(missing.status == .unprocessableEntity
                    && Set(((missing.json["errors"] as? [[String: Any]]) ?? []).compactMap { $0["field"] as? String }) == ["success_url", "cancel_url"])
            let bad = try await app.send(.POST, path, token: t[.billing].token,
                                         json: #"{"mode":"checkout","success_url":"javascript:alert(1)","cancel_url":"https://care.example/c"}"#)
            #expect(bad.status == .unprocessableEntity)
            let res = try await app.send(.POST, path, token: t[.billing].token,
                                         json: #"{"mode":"checkout","success_url":"https://care.example/ok","cancel_url":"https://care.example/no"}"#)
            #expect(res.status == .ok, "\(res.text)")
            let session = try #require(res.json["checkout_session_id"] as? String)
            #expect((res.json["url"] as? String)?.hasPrefix("https://") == true && res.json["client_secret"] is NSNull)
            let sent = try #require(fake.seen.last)
            #expect(sent.path == "/v1/checkout/sessions" && sent.form["line_items[0][price_data][unit_amount]"] == "12000")
            #expect(sent.form["payment_intent_data[metadata][invoice_id]"] == invoice.id!.lowercasedString)

            try await PaymentFixtures.deliver(app, slug: "pay", body: PaymentFixtures.event(
                "evt_cs_1", type: "checkout.session.completed", created: Self.now,
                object: ["id": session, "object": "checkout.session", "payment_intent": "pi_from_cs", "amount_total": 12000, "currency": "rwf",
                         "payment_status": "paid", "metadata": ["invoice_id": invoice.id!.lowercasedString]]), secret: FakeStripe.webhookSecret)
            let stored = try await PaymentFixtures.reload(app, invoice)
            #expect(stored.status == .paid && stored.amountPaid == 12000 && stored.providerPaymentID == "pi_from_cs")
            #expect(stored.checkoutSessionID == session)
        }
    }

    @Test("another tenant's webhook cannot touch this tenant's invoice; billing of another facility may not start a payment",
          arguments: TestBackend.enabled)
    func isolation(backend: TestBackend) async throws {
        try await Self.withPayments(backend) { app, t, patientID, _ in
            let invoice = try await PaymentFixtures.invoice(app, t, patientID: patientID, total: 9000, paymentID: "pi_iso", provider: "stripe")
            let object = PaymentFixtures.intentObject("pi_iso", amount: 9000, metadata: ["invoice_id": invoice.id!.lowercasedString, "tenant": "pay"])
            let res = try await PaymentFixtures.deliver(app, slug: "other", body: PaymentFixtures.event(
                "evt_iso_1", type: "payment_intent.succeeded", created: Self.now, object: object), secret: Self.otherSecret)
            #expect(res.status == .ok)
            #expect(try await PaymentFixtures.reload(app, invoice).status == .open)
            // The other tenant's secret does not verify on this tenant's route.
            let forged = try await PaymentFixtures.deliver(app, slug: "pay", body: PaymentFixtures.event(
                "evt_iso_2", type: "payment_intent.succeeded", created: Self.now, object: object), secret: Self.otherSecret)
            #expect(forged.status == .unauthorized)
            #expect(try await PaymentFixtures.reload(app, invoice).status == .open)

            let atF2 = try await PaymentFixtures.invoice(app, t, patientID: patientID, facility: t.f2, total: 9000)
            let denied = try await app.send(.POST, "/api/v1/invoices/\(atF2.id!)/payment", token: t[.billing].token,
                                            json: #"{"mode":"payment_intent"}"#)
            #expect(denied.status == .forbidden && denied.isProblem)
            let unknown = try await app.send(.POST, "/api/v1/invoices/\(UUID())/payment", token: t[.billing].token,
                                             json: #"{"mode":"payment_intent"}"#)
            #expect(unknown.status == .notFound)
        }
    }
}
