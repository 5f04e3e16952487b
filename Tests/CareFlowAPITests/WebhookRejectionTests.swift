@testable import CareFlowAPI
@testable import CareFlowCore
import Fluent
import Foundation
import StripeAdapter
import Testing
import TwilioAdapter
import VaporTesting

/// Issue 10, finding 10: forged webhooks cost a bounded number of audit rows per source, the
/// number of rejections stays visible, and other senders are unaffected.
@Suite("Webhook rejections are limited per source")
struct WebhookRejectionTests {
    /// Production limits (10 audited, refused after 30), but a window long enough that the 500
    /// requests below always fall in one, however slow the machine.
    static let policy = WebhookRejectionPolicy(window: 3600, auditedPerWindow: 10, refusedAfter: 30)

    static func rejected(_ app: Application, tenant: UUID) async throws -> [AuditEvent] {
        try await AuditEvent.query(on: app.db).filter(\.$tenantID == tenant).filter(\.$action == "webhook.rejected").all()
    }

    @Test("500 forged Stripe webhooks from one source: at most 10 + 1 audit rows, the summary counts all 500; another source's valid webhook is applied",
          arguments: TestBackend.enabled)
    func forgedFlood(backend: TestBackend) async throws {
        try await withCareFlow(backend, tenantFiles: ["hooks.yaml": WebhookTests.tenantFile("hooks", stripeVariable: "HOOKS_WHSEC")],
                               configure: { config in
            config.secretEnvironment = ["HOOKS_WHSEC": WebhookTests.stripeSecret, "STRIPE_KEY": "sk_test_x", "TWILIO_TOKEN": "t",
                                        "SENDGRID_KEY": "SG.x", "SENDGRID_PUBLIC_KEY": WebhookTests.sendGridKey.publicKey.derRepresentation.base64EncodedString()]
            config.trustedProxies = AppConfiguration.fromEnvironment(["CAREFLOW_TRUSTED_PROXIES": "127.0.0.1/32"]).trustedProxies
            config.webhookRejections = Self.policy
        }) { app in
            let t = try await Fixtures.tenant(app, slug: "hooks")
            let now = Int(Date().timeIntervalSince1970)
            let forged = WebhookTests.stripeEvent("evt_forged", type: "payment_intent.succeeded", intent: "pi_forged", created: now)
            let header = StripeSignature.header(payload: Data(forged.utf8), secret: "whsec_guess", timestamp: now)
            var statuses: [UInt: Int] = [:]
            try await app.withLiveServer { server in
                for _ in 0..<500 {
                    let res = try await server.send(.POST, "/webhooks/hooks/stripe", json: forged,
                                                    headers: [("Stripe-Signature", header), ("X-Forwarded-For", "198.51.100.66")])
                    statuses[res.status.code, default: 0] += 1
                    if res.status == .tooManyRequests { #expect(Int(res.headers.first(name: "Retry-After") ?? "") ?? 0 >= 1) }
                }
                #expect(statuses[401] == 30, "\(statuses)")
                #expect(statuses[429] == 470, "\(statuses)")
                #expect(try await Self.rejected(app, tenant: t.id).count == 10)

                // A valid webhook from another source goes through at once.
                let body = WebhookTests.stripeEvent("evt_valid", type: "payment_intent.succeeded", intent: "pi_valid", created: now)
                let valid = try await server.send(.POST, "/webhooks/hooks/stripe", json: body, headers: [
                    ("Stripe-Signature", StripeSignature.header(payload: Data(body.utf8), secret: WebhookTests.stripeSecret, timestamp: now)),
                    ("X-Forwarded-For", "203.0.113.10"),
                ])
                #expect(valid.status == .ok, "\(valid.text)")
                #expect(valid.json["replayed"] as? Bool == false)
                // And one forged from that other source is still audited on its own.
                let other = try await server.send(.POST, "/webhooks/hooks/stripe", json: forged,
                                                  headers: [("Stripe-Signature", header), ("X-Forwarded-For", "203.0.113.10")])
                #expect(other.status == .unauthorized)
            }
            #expect(try await TenantScope(tenantID: t.id, db: app.db).query(Payment.self).filter(\.$providerPaymentID == "pi_valid").first() != nil)
            #expect(try await TenantScope(tenantID: t.id, db: app.db).query(Payment.self).filter(\.$providerPaymentID == "pi_forged").first() == nil)

            // When the window has ended, one summary per source carries the count.
            #expect(try await app.services.webhooks.flushRejectionSummaries(on: app.db, now: Date().addingTimeInterval(Self.policy.window + 1)) == 1)
            let events = try await Self.rejected(app, tenant: t.id)
            let flood = events.filter { $0.ip == "198.51.100.66" }
            #expect(flood.count == 11, "bound: 10 individual + 1 summary, got \(flood.count)")
            let summary = try #require(flood.first { $0.details.contains("summary") })
            let details = try JSONSerialization.jsonObject(with: Data(summary.details.utf8)) as? [String: String] ?? [:]
            #expect(details["rejected"] == "30")
            #expect(details["not_audited_individually"] == "20")
            #expect(details["refused_429"] == "470")
            #expect(events.filter { $0.ip == "203.0.113.10" }.count == 1)
        }
    }

    @Test("the limiter alone: audited quota, refusal, window rollover, per-source keys, bounded sources")
    func limiterRules() {
        let limiter = WebhookRejectionLimiter(policy: WebhookRejectionPolicy(window: 60, auditedPerWindow: 2, refusedAfter: 3, maxSources: 2))
        let t0 = Date(timeIntervalSince1970: 1_000_000)
        let tenant = UUID()
        let a = WebhookSource(clientAddress: "192.0.2.1", tenantID: tenant, provider: .stripe)
        let b = WebhookSource(clientAddress: "192.0.2.2", tenantID: tenant, provider: .stripe)
        #expect(limiter.admit(a, now: t0) == nil)
        #expect(limiter.reject(a, now: t0) == .auditIndividually)
        #expect(limiter.reject(a, now: t0) == .auditIndividually)
        #expect(limiter.reject(a, now: t0) == .countOnly)
        #expect(limiter.admit(a, now: t0.addingTimeInterval(10)) == 50)
        #expect(limiter.admit(b, now: t0.addingTimeInterval(10)) == nil)  // another source
        #expect(limiter.admit(WebhookSource(clientAddress: "192.0.2.1", tenantID: tenant, provider: .twilio), now: t0) == nil)
        #expect(limiter.takeSummaries(now: t0.addingTimeInterval(59)).isEmpty)
        // The window ends: admitted again, one summary with the counts.
        #expect(limiter.admit(a, now: t0.addingTimeInterval(60)) == nil)
        #expect(limiter.takeSummaries(now: t0.addingTimeInterval(60)) == [
            .init(source: a, windowStart: t0, rejected: 3, unaudited: 1, refused: 1),
        ])
        #expect(limiter.takeSummaries(now: t0.addingTimeInterval(600)).isEmpty)
        // Beyond maxSources new addresses share one entry per tenant and provider.
        _ = limiter.reject(a, now: t0.addingTimeInterval(61))
        _ = limiter.reject(b, now: t0.addingTimeInterval(61))
        for i in 3..<10 { _ = limiter.reject(WebhookSource(clientAddress: "192.0.2.\(i)", tenantID: tenant, provider: .stripe), now: t0.addingTimeInterval(61)) }
        #expect(limiter.admit(WebhookSource(clientAddress: "192.0.2.99", tenantID: tenant, provider: .stripe), now: t0.addingTimeInterval(62)) != nil)
    }
}
