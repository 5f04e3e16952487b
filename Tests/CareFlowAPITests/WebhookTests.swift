@testable import CareFlowAPI
import CareFlowCore
import Crypto
import Fluent
import Foundation
import StripeAdapter
import Testing
import TwilioAdapter
import VaporTesting

/// PRODUCT §5: webhooks verified over the raw body, stored once by event id, replays without a
/// second effect, refusals leave nothing but an audit event.
@Suite("Webhooks (Stripe, Twilio, SendGrid)")
struct WebhookTests {
    static let stripeSecret = "whsec_hooks_test_secret"
    static let otherStripeSecret = "whsec_other_tenant_secret"
    static let twilioToken = "twilio-auth-token-hooks"
    static let sendGridKey = P256.Signing.PrivateKey()

    static func tenantFile(_ slug: String, stripeVariable: String) -> String {
        """
        slug: \(slug)
        name: Tenant \(slug)
        timezone: UTC
        integrations:
          payments: {adapter: stripe, secret_key: env:STRIPE_KEY, webhook_secret: env:\(stripeVariable)}
          sms: {adapter: twilio, account_sid: AC0123456789, auth_token: env:TWILIO_TOKEN, from: "+15005550006", webhook_base_url: "https://hooks.example.org"}
          email: {adapter: sendgrid, api_key: env:SENDGRID_KEY, from: care@example.org, webhook_verification_key: env:SENDGRID_PUBLIC_KEY}
        """
    }

    static func withHooks(_ backend: TestBackend, _ body: (Application, TestTenant) async throws -> Void) async throws {
        try await withCareFlow(backend, tenantFiles: ["hooks.yaml": tenantFile("hooks", stripeVariable: "HOOKS_WHSEC"),
                                                      "other.yaml": tenantFile("other", stripeVariable: "OTHER_WHSEC")],
                               configure: { config in
            config.secretEnvironment = [
                "HOOKS_WHSEC": stripeSecret, "OTHER_WHSEC": otherStripeSecret, "STRIPE_KEY": "sk_test_x", "TWILIO_TOKEN": twilioToken,
                "SENDGRID_KEY": "SG.x", "SENDGRID_PUBLIC_KEY": sendGridKey.publicKey.derRepresentation.base64EncodedString(),
            ]
        }) { app in
            let t = try await Fixtures.tenant(app, slug: "hooks")
            _ = try await Fixtures.tenant(app, slug: "other")
            try await body(app, t)
        }
    }

    static func stripeEvent(_ id: String, type: String, intent: String, created: Int, amount: Int = 5000) -> String {
        #"{"id":"\#(id)","object":"event","type":"\#(type)","created":\#(created),"livemode":false,"api_version":"2024-06-20","#
            + #""data":{"object":{"id":"\#(intent)","object":"payment_intent","amount":\#(amount),"currency":"rwf","status":"succeeded"}}}"#
    }

    static func postStripe(_ app: Application, _ slug: String = "hooks", body: String, header: String?) async throws -> TestingHTTPResponse {
        try await app.send(.POST, "/webhooks/\(slug)/stripe", json: body, headers: header.map { [("Stripe-Signature", $0)] } ?? [])
    }

    @Test("a Stripe event signed by the official stripe package moves the payment; our header passes stripe's own check",
          arguments: TestBackend.enabled)
    func stripeAccepted(backend: TestBackend) async throws {
        try await Self.withHooks(backend) { app, t in
            let now = Int(Date().timeIntervalSince1970)
            let body = Self.stripeEvent("evt_ok_1", type: "payment_intent.succeeded", intent: "pi_123", created: now)
            let script = """
                import sys, stripe
                payload, secret, t = sys.argv[1], sys.argv[2], int(sys.argv[3])
                sig = stripe.WebhookSignature._compute_signature("%d.%s" % (t, payload), secret)
                header = "t=%d,v1=%s" % (t, sig)
                stripe.Webhook.construct_event(payload, sys.argv[4], secret)
                print(header)
                """
            let ours = StripeSignature.header(payload: Data(body.utf8), secret: Self.stripeSecret, timestamp: now)
            let header = try await Interop.python(script: script, arguments: [body, Self.stripeSecret, String(now), ours], requiredModule: "stripe")?
                .trimmingCharacters(in: .whitespacesAndNewlines) ?? ours
            #expect(header == ours)
            let res = try await Self.postStripe(app, body: body, header: header)
            #expect(res.status == .ok, "\(res.text)")
            #expect(res.json["replayed"] as? Bool == false)
            let payment = try #require(try await TenantScope(tenantID: t.id, db: app.db).query(Payment.self).first())
            #expect(payment.status == .succeeded && payment.amount == 5000 && payment.providerPaymentID == "pi_123")

            // An older event delivered late does not move the payment back.
            let late = Self.stripeEvent("evt_old", type: "payment_intent.payment_failed", intent: "pi_123", created: now - 60)
            let lateRes = try await Self.postStripe(app, body: late, header: StripeSignature.header(payload: Data(late.utf8), secret: Self.stripeSecret, timestamp: now))
            #expect(lateRes.status == .ok)
            #expect(try await TenantScope(tenantID: t.id, db: app.db).query(Payment.self).first()?.status == .succeeded)
            // A refund after it does.
            let refund = #"{"id":"evt_refund","object":"event","type":"charge.refunded","created":\#(now + 5),"data":{"object":{"id":"ch_1","object":"charge","payment_intent":"pi_123","amount":5000,"currency":"rwf"}}}"#
            let refundRes = try await Self.postStripe(app, body: refund, header: StripeSignature.header(payload: Data(refund.utf8), secret: Self.stripeSecret, timestamp: now))
            #expect(refundRes.status == .ok)
            #expect(try await TenantScope(tenantID: t.id, db: app.db).query(Payment.self).first()?.status == .refunded)
        }
    }

    @Test("refused: bad signature, stale and future timestamps, another tenant's secret, a modified body, no header",
          arguments: TestBackend.enabled)
    func stripeRefused(backend: TestBackend) async throws {
        try await Self.withHooks(backend) { app, t in
            let now = Int(Date().timeIntervalSince1970)
            let body = Self.stripeEvent("evt_bad", type: "payment_intent.succeeded", intent: "pi_bad", created: now)
            let sign = { (secret: String, at: Int) in StripeSignature.header(payload: Data(body.utf8), secret: secret, timestamp: at) }
            let cases: [(String, String, String?, HTTPStatus)] = [
                ("bad signature", body, "t=\(now),v1=" + String(repeating: "ab", count: 32), .unauthorized),
                ("stale", body, sign(Self.stripeSecret, now - 400), .unauthorized),
                ("future", body, sign(Self.stripeSecret, now + 400), .unauthorized),
                ("other tenant's secret", body, sign(Self.otherStripeSecret, now), .unauthorized),
                ("modified body", body.replacingOccurrences(of: "5000", with: "1"), sign(Self.stripeSecret, now), .unauthorized),
                ("no header", body, nil, .badRequest),
                ("garbage header", body, "nonsense", .badRequest),
            ]
            for (name, payload, header, status) in cases {
                let res = try await Self.postStripe(app, body: payload, header: header)
                #expect(res.status == status, "\(name): \(res.text)")
                #expect(res.isProblem, "\(name)")
            }
            let scope = TenantScope(tenantID: t.id, db: app.db)
            #expect(try await scope.query(WebhookEvent.self).count() == 0)
            #expect(try await scope.query(Payment.self).count() == 0)
            let audited = try await AuditEvent.query(on: app.db).filter(\.$action == "webhook.rejected").filter(\.$tenantID == t.id).count()
            #expect(audited == cases.count)
            // The other tenant's secret is fine at the other tenant's URL.
            #expect(try await Self.postStripe(app, "other", body: body, header: sign(Self.otherStripeSecret, now)).status == .ok)
            #expect(try await Self.postStripe(app, "nobody", body: body, header: sign(Self.stripeSecret, now)).status == .notFound)
        }
    }

    @Test("1,000 deliveries of one event, 50 at a time: one event row, one effect", arguments: TestBackend.enabled)
    func replays(backend: TestBackend) async throws {
        try await Self.withHooks(backend) { app, t in
            let now = Int(Date().timeIntervalSince1970)
            let body = Self.stripeEvent("evt_replayed", type: "payment_intent.succeeded", intent: "pi_replay", created: now)
            let header = StripeSignature.header(payload: Data(body.utf8), secret: Self.stripeSecret, timestamp: now)
            var replayed = 0
            for _ in 0..<20 {
                let results = try await withThrowingTaskGroup(of: (HTTPStatus, Bool).self) { group in
                    for _ in 0..<50 {
                        group.addTask {
                            let res = try await Self.postStripe(app, body: body, header: header)
                            return (res.status, res.json["replayed"] as? Bool ?? false)
                        }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                #expect(results.allSatisfy { $0.0 == .ok }, "\(results.map(\.0.code))")
                replayed += results.filter(\.1).count
            }
            #expect(replayed == 999)
            let scope = TenantScope(tenantID: t.id, db: app.db)
            #expect(try await scope.query(WebhookEvent.self).count() == 1)
            #expect(try await scope.query(Payment.self).count() == 1)
        }
    }

    /// Issue 11: distinct events about one PaymentIntent delivered at once (Stripe sends in
    /// parallel and out of order). Every new event is stored and answered as new, exactly once,
    /// and the payment ends in the newest event's state, never an older one's.
    @Test("distinct events for one PaymentIntent, 20 at once and out of order: each stored once, the newest state wins",
          arguments: TestBackend.enabled)
    func concurrentEventsForOnePayment(backend: TestBackend) async throws {
        try await Self.withHooks(backend) { app, t in
            let scope = TenantScope(tenantID: t.id, db: app.db)
            let now = Int(Date().timeIntervalSince1970)
            for round in 0..<5 {
                let intent = "pi_race_\(round)"
                // Event 0 is the newest (a refund); the rest are older successes with other amounts.
                let bodies = (0..<20).map { i in
                    i == 0
                        ? #"{"id":"evt_race_\#(round)_0","object":"event","type":"charge.refunded","created":\#(now + 100),"data":{"object":{"id":"ch_\#(round)","object":"charge","payment_intent":"\#(intent)","amount":7000,"currency":"rwf"}}}"#
                        : Self.stripeEvent("evt_race_\(round)_\(i)", type: "payment_intent.succeeded", intent: intent, created: now + i, amount: 1000 + i)
                }
                let results = try await withThrowingTaskGroup(of: (HTTPStatus, Bool?).self) { group in
                    for body in bodies.shuffled() {
                        group.addTask {
                            let header = StripeSignature.header(payload: Data(body.utf8), secret: Self.stripeSecret, timestamp: now)
                            let res = try await Self.postStripe(app, body: body, header: header)
                            return (res.status, res.json["replayed"] as? Bool)
                        }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                #expect(results.allSatisfy { $0.0 == .ok && $0.1 == false }, "round \(round): \(results)")
                let stored = try await scope.query(WebhookEvent.self).filter(\.$eventID ~~ "evt_race_\(round)_").all()
                #expect(stored.count == 20, "round \(round)")
                #expect(Set(stored.map(\.eventID)).count == 20, "round \(round)")
                let payments = try await scope.query(Payment.self).filter(\.$providerPaymentID == intent).all()
                #expect(payments.count == 1, "round \(round)")
                #expect(payments.first?.status == .refunded, "round \(round)")
                #expect(payments.first?.lastEventCreated == now + 100, "round \(round)")
                #expect(payments.first?.amount == 7000, "round \(round)")
            }
        }
    }

    /// Issue 11: deliveries are written in batches; one delivery the database cannot store (an
    /// event id with a NUL character, which PostgreSQL text refuses) must not take the others
    /// of its batch down with it.
    @Test("one unstorable event (delivered twice) among 30 concurrent ones: the other 29 are stored, each once, with their effect",
          arguments: TestBackend.enabled)
    func oneBadDeliveryInABatch(backend: TestBackend) async throws {
        try await Self.withHooks(backend) { app, t in
            let scope = TenantScope(tenantID: t.id, db: app.db)
            let now = Int(Date().timeIntervalSince1970)
            // The 31st is the unstorable one again: written in the same batch or not, it must not
            // be answered as a replay of an event that was never stored.
            let bodies = (0..<31).map { n in
                let i = n == 30 ? 7 : n
                return Self.stripeEvent(i == 7 ? #"evt_batch_\u0000_bad"# : "evt_batch_\(i)", type: "payment_intent.succeeded",
                                        intent: "pi_batch_\(i)", created: now)
            }
            let results = try await withThrowingTaskGroup(of: (Int, HTTPStatus).self) { group in
                for (i, body) in bodies.enumerated() {
                    group.addTask {
                        let res = try await Self.postStripe(app, body: body, header: StripeSignature.header(payload: Data(body.utf8), secret: Self.stripeSecret, timestamp: now))
                        return (i, res.status)
                    }
                }
                return try await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
            }
            #expect(results.filter { $0.key != 7 && $0.key != 30 }.allSatisfy { $0.value == .ok }, "\(results)")
            #expect(results[7] == results[30], "\(results)")
            if backend == .postgres { #expect(results[7] != .ok, "\(results)") }
            for i in 0..<30 where i != 7 {
                #expect(try await scope.query(WebhookEvent.self).filter(\.$eventID == "evt_batch_\(i)").count() == 1, "event \(i)")
                #expect(try await scope.query(Payment.self).filter(\.$providerPaymentID == "pi_batch_\(i)").first()?.status == .succeeded, "payment \(i)")
            }
        }
    }

    /// Issue 11: the Stripe route keeps tenant ids in memory; a suspension still takes effect at
    /// once (the write checks the tenant's status), and reactivation restores it.
    @Test("a tenant suspended after its webhooks were served: the next Stripe event is 404 and stores nothing",
          arguments: TestBackend.enabled)
    func suspendedAfterServing(backend: TestBackend) async throws {
        try await Self.withHooks(backend) { app, t in
            let scope = TenantScope(tenantID: t.id, db: app.db)
            let now = Int(Date().timeIntervalSince1970)
            func post(_ id: String) async throws -> TestingHTTPResponse {
                let body = Self.stripeEvent(id, type: "payment_intent.succeeded", intent: "pi_\(id)", created: now)
                return try await Self.postStripe(app, body: body, header: StripeSignature.header(payload: Data(body.utf8), secret: Self.stripeSecret, timestamp: now))
            }
            #expect(try await post("evt_before").status == .ok)
            _ = try await app.services.onboarding.suspend(tenantID: t.id, actor: .system, origin: .none)
            #expect(try await post("evt_during").status == .notFound)
            #expect(try await post("evt_before").status == .notFound)
            #expect(try await scope.query(WebhookEvent.self).count() == 1)
            #expect(try await scope.query(Payment.self).filter(\.$providerPaymentID == "pi_evt_during").count() == 0)
            _ = try await app.services.onboarding.reactivate(tenantID: t.id, actor: .system, origin: .none)
            #expect(try await post("evt_after").status == .ok)
            #expect(try await scope.query(WebhookEvent.self).count() == 2)
        }
    }

    /// An outbox row as the worker leaves it after the provider accepted the message.
    static func sentMessage(_ capability: String, providerMessageID: String, in scope: TenantScope) async throws -> OutboxMessage {
        let message = OutboxMessage()
        message.tenantID = scope.tenantID
        message.capability = capability
        message.payloadSealed = Sealed(token: "-")
        message.status = .sent
        message.attempts = 1
        message.nextAttemptAt = Date()
        message.providerMessageID = providerMessageID
        try await scope.create(message)
        return message
    }

    static func postTwilio(_ app: Application, _ path: String, _ params: [(String, String)], signature: String?) async throws -> TestingHTTPResponse {
        let body = params.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }.joined(separator: "&")
        var headers = [("Content-Type", "application/x-www-form-urlencoded")]
        if let signature { headers.append(("X-Twilio-Signature", signature)) }
        return try await app.send(.POST, path, json: body, headers: headers)
    }

    @Test("inbound STOP / START signed by the official twilio package; status callbacks never move backwards",
          arguments: TestBackend.enabled)
    func twilio(backend: TestBackend) async throws {
        try await Self.withHooks(backend) { app, t in
            let scope = TenantScope(tenantID: t.id, db: app.db)
            let phone = "+250788555111"
            func sign(_ path: String, _ params: [(String, String)]) async throws -> String {
                let url = "https://hooks.example.org" + path
                let ours = TwilioSignature.signature(url: url, parameters: params, authToken: Self.twilioToken)
                let script = """
                    import sys, json
                    from twilio.request_validator import RequestValidator
                    print(RequestValidator(sys.argv[1]).compute_signature(sys.argv[2], json.loads(sys.argv[3])))
                    """
                let theirs = try await Interop.python(script: script, arguments: [Self.twilioToken, url, jsonBody(Dictionary(uniqueKeysWithValues: params))],
                                                requiredModule: "twilio")?.trimmingCharacters(in: .whitespacesAndNewlines)
                if let theirs { #expect(theirs == ours) }
                return theirs ?? ours
            }
            let inbound = "/webhooks/hooks/twilio/sms"
            let stop = [("MessageSid", "SM_in_1"), ("From", phone), ("To", "+15005550006"), ("Body", "Stop please"), ("NumMedia", "0"),
                        ("AccountSid", "AC0123456789")]
            let res = try await Self.postTwilio(app, inbound, stop, signature: try sign(inbound, stop))
            #expect(res.status == .ok, "\(res.text)")
            #expect(res.headers.contentType == .xml)
            #expect(res.text.contains("<Response"))
            #expect(try await app.services.webhooks.maySend(toPhone: "+250 788 555 111", in: scope) == false)
            // The same message again: a replay, no second audit event.
            #expect(try await Self.postTwilio(app, inbound, stop, signature: try sign(inbound, stop)).headers.first(name: "Idempotent-Replayed") == "true")
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "sms.opt_out").count() == 1)
            let start = [("MessageSid", "SM_in_2"), ("From", phone), ("To", "+15005550006"), ("Body", "START")]
            #expect(try await Self.postTwilio(app, inbound, start, signature: try sign(inbound, start)).status == .ok)
            #expect(try await app.services.webhooks.maySend(toPhone: phone, in: scope) == true)
            // Forged: signed for another URL, or with no signature.
            #expect(try await Self.postTwilio(app, inbound, stop.map { $0.0 == "MessageSid" ? ($0.0, "SM_in_3") : $0 },
                                              signature: try sign("/webhooks/other/twilio/sms", stop)).status == .unauthorized)
            #expect(try await Self.postTwilio(app, inbound, stop, signature: nil).status == .badRequest)

            // Delivery reports onto the outbox row.
            let message = try await Self.sentMessage("sms", providerMessageID: "SM_out_1", in: scope)
            let statusPath = "/webhooks/hooks/twilio/status"
            for status in ["sent", "delivered", "sent", "queued"] {
                let params = [("MessageSid", "SM_out_1"), ("MessageStatus", status), ("AccountSid", "AC0123456789")]
                #expect(try await Self.postTwilio(app, statusPath, params, signature: try sign(statusPath, params)).status == .ok)
            }
            #expect(try await scope.find(OutboxMessage.self, message.id!)?.deliveryStatus == "delivered")
            // JSON is not what Twilio sends.
            #expect(try await app.send(.POST, statusPath, json: "{}").status == .unsupportedMediaType)
        }
    }

    @Test("SendGrid batches verified by ECDSA P-256 over timestamp + body; each event once", arguments: TestBackend.enabled)
    func sendGrid(backend: TestBackend) async throws {
        try await Self.withHooks(backend) { app, t in
            let scope = TenantScope(tenantID: t.id, db: app.db)
            let message = try await Self.sentMessage("email", providerMessageID: "14c5d75ce93", in: scope)
            let body = #"[{"email":"a@example.org","timestamp":1700000000,"event":"processed","sg_event_id":"ev1","sg_message_id":"14c5d75ce93.filter0001.16648.5515E0B88.0"},{"email":"a@example.org","timestamp":1700000001,"event":"delivered","sg_event_id":"ev2","sg_message_id":"14c5d75ce93.filter0001.16648.5515E0B88.0"}]"#
            func signed(_ payload: String, at timestamp: Int) throws -> [(String, String)] {
                let signature = try Self.sendGridKey.signature(for: Data((String(timestamp) + payload).utf8))
                return [("X-Twilio-Email-Event-Webhook-Signature", signature.derRepresentation.base64EncodedString()),
                        ("X-Twilio-Email-Event-Webhook-Timestamp", String(timestamp))]
            }
            let now = Int(Date().timeIntervalSince1970)
            let path = "/webhooks/hooks/sendgrid/events"
            // The reference verifier (the sendgrid package) accepts what we sign, as SendGrid does.
            let headers = try signed(body, at: now)
            let script = """
                import sys
                from sendgrid.helpers.eventwebhook import EventWebhook
                hook = EventWebhook(sys.argv[1])
                print(hook.verify_signature(sys.argv[2], sys.argv[3], sys.argv[4]))
                """
            let publicKey = Self.sendGridKey.publicKey.derRepresentation.base64EncodedString()
            if let verdict = try await Interop.python(script: script, arguments: [publicKey, body, headers[0].1, headers[1].1], requiredModule: "sendgrid") {
                #expect(verdict.trimmingCharacters(in: .whitespacesAndNewlines) == "True")
            }
            let res = try await app.send(.POST, path, json: body, headers: try signed(body, at: now))
            #expect(res.status == .ok, "\(res.text)")
            #expect(try await scope.find(OutboxMessage.self, message.id!)?.deliveryStatus == "delivered")
            #expect(try await app.send(.POST, path, json: body, headers: try signed(body, at: now)).json["replayed"] as? Bool == true)
            #expect(try await scope.query(WebhookEvent.self).count() == 2)
            // Stale, tampered, unsigned.
            #expect(try await app.send(.POST, path, json: body, headers: try signed(body, at: now - 600)).status == .unauthorized)
            #expect(try await app.send(.POST, path, json: body + " ", headers: try signed(body, at: now)).status == .unauthorized)
            #expect(try await app.send(.POST, path, json: body).status == .badRequest)
        }
    }
}
