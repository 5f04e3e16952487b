@testable import CareFlowAPI
import CareFlowCore
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// `GET /api/v1/integrations` (issue 5): which adapter serves each capability, its settings and
/// health, never a secret.
@Suite("Integration status")
struct IntegrationStatusTests {
    static let yaml = """
        slug: status
        name: Status Group
        timezone: UTC
        integrations:
          email: {adapter: sendgrid, api_key: env:ST_SENDGRID_KEY, from: care@status.example, base_url: "http://127.0.0.1:9"}
          sms: {adapter: twilio, account_sid: AC_status, auth_token: env:ST_TWILIO_TOKEN, from: "+15005550006"}
          llm: {adapter: none}
        """

    @Test("adapters, non-secret settings, secret references (never values), health and outbox counts", arguments: TestBackend.enabled)
    func status(backend: TestBackend) async throws {
        let secrets = ["ST_SENDGRID_KEY": "SG.very-secret-key", "ST_TWILIO_TOKEN": "twilio-secret-token"]
        try await withCareFlow(backend, tenantFiles: ["status.yaml": Self.yaml], configure: { $0.secretEnvironment = secrets }) { app in
            let t = try await Fixtures.tenant(app, slug: "status")
            _ = try await OutboxTests.enqueue(app, t, count: 2)
            await app.services.integrations.recordOutcome(tenantID: t.id, capability: .sms, error: nil)
            await app.services.integrations.recordOutcome(
                tenantID: t.id, capability: .email,
                error: IntegrationError(.retryable, provider: "sendgrid", httpStatus: 503, message: "Service Unavailable"))

            let res = try await app.send(.GET, "/api/v1/integrations", token: t[.groupAdmin].token)
            #expect(res.status == .ok, "\(res.text)")
            for secret in secrets.values { #expect(!res.text.contains(secret)) }
            let items = res.json["items"] as? [[String: Any]] ?? []
            #expect(Set(items.compactMap { $0["capability"] as? String }) == Set(Capability.allCases.map(\.rawValue)))
            func item(_ capability: String) -> [String: Any] { items.first { $0["capability"] as? String == capability } ?? [:] }

            let email = item("email")
            #expect(email["adapter"] as? String == "sendgrid")
            #expect(email["settings"] as? [String: String] == ["from": "care@status.example", "base_url": "http://127.0.0.1:9"])
            #expect(email["secret_references"] as? [String: String] == ["api_key": "env:ST_SENDGRID_KEY"])
            let emailHealth = email["health"] as? [String: Any] ?? [:]
            #expect(emailHealth["last_success_at"] is NSNull && emailHealth["last_error_at"] is String)
            #expect((emailHealth["last_error"] as? String)?.contains("503") == true)

            let sms = item("sms")
            #expect(sms["adapter"] as? String == "twilio")
            #expect(sms["secret_references"] as? [String: String] == ["auth_token": "env:ST_TWILIO_TOKEN"])
            #expect((sms["health"] as? [String: Any])?["last_success_at"] is String)
            #expect(item("llm")["adapter"] as? String == "none")
            #expect(item("push")["adapter"] as? String == "console")

            #expect(res.json["outbox"] as? [String: Int] == ["pending": 2, "sending": 0, "sent": 0, "dead": 0])
            #expect(res.json["next_cursor"] is NSNull)

            for role in [Role.facilityAdmin, .doctor, .billing, .patient] {
                let denied = try await app.send(.GET, "/api/v1/integrations", token: t[role].token)
                #expect(denied.status == .forbidden && denied.isProblem, "\(role)")
            }
        }
    }

    @Test("a tenant sees its own integrations only", arguments: TestBackend.enabled)
    func isolation(backend: TestBackend) async throws {
        let secrets = ["ST_SENDGRID_KEY": "SG.very-secret-key", "ST_TWILIO_TOKEN": "twilio-secret-token"]
        try await withCareFlow(backend, tenantFiles: ["status.yaml": Self.yaml], configure: { $0.secretEnvironment = secrets }) { app in
            let configured = try await Fixtures.tenant(app, slug: "status")
            let plain = try await Fixtures.tenant(app, slug: "plain")
            _ = try await OutboxTests.enqueue(app, configured, count: 3)
            let res = try await app.send(.GET, "/api/v1/integrations", token: plain[.groupAdmin].token)
            #expect(res.status == .ok)
            let items = res.json["items"] as? [[String: Any]] ?? []
            #expect(items.allSatisfy { $0["adapter"] as? String == "console" })
            #expect(!res.text.contains("ST_SENDGRID_KEY") && !res.text.contains("sendgrid"))
            #expect((res.json["outbox"] as? [String: Int])?["pending"] == 0)
        }
    }
}
