@testable import CareFlowAPI
import CareFlowCore
import Fluent
import Foundation
import Testing
import VaporTesting

/// Issue 15: `/console/integrations`, the tenant's adapters, health and outbox, and the dead
/// letters re-queued from the page exactly as `POST /api/v1/outbox/{id}/requeue` does.
@Suite("Console integrations")
struct ConsoleIntegrationsTests {
    static let secrets = ["ST_SENDGRID_KEY": "SG.very-secret-key", "ST_TWILIO_TOKEN": "twilio-secret-token"]

    /// The text of the element with this id (up to the next tag).
    static func text(ofID id: String, in html: String) -> String? {
        guard let start = html.range(of: #"id="\#(id)""#) else { return nil }
        guard let close = html[start.upperBound...].firstIndex(of: ">") else { return nil }
        let rest = html[html.index(after: close)...]
        return String(rest[..<(rest.firstIndex(of: "<") ?? rest.endIndex)]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test("the page lists each capability's adapter and health, never a secret, and the outbox counts",
          arguments: TestBackend.enabled)
    func adaptersAndHealth(backend: TestBackend) async throws {
        try await withCareFlow(backend, tenantFiles: ["status.yaml": IntegrationStatusTests.yaml],
                               configure: { $0.secretEnvironment = Self.secrets }) { app in
            let t = try await Fixtures.tenant(app, slug: "status")
            _ = try await OutboxTests.enqueue(app, t, count: 2)
            await app.services.integrations.recordOutcome(tenantID: t.id, capability: .sms, error: nil)
            await app.services.integrations.recordOutcome(
                tenantID: t.id, capability: .email,
                error: IntegrationError(.retryable, provider: "sendgrid", httpStatus: 503, message: "Service Unavailable"))

            let browser = ConsoleBrowser(app)
            try await browser.signIn(t[.groupAdmin], tenant: t)
            let page = try await browser.get("/console/integrations")
            #expect(page.status == .ok)
            let html = page.text
            // The tenant's file: sendgrid for email, twilio for SMS, none for the LLM; push unset → console.
            #expect(Self.text(ofID: "adapter-email", in: html) == "sendgrid")
            #expect(Self.text(ofID: "adapter-sms", in: html) == "twilio")
            #expect(Self.text(ofID: "adapter-llm", in: html) == "none")
            #expect(Self.text(ofID: "adapter-push", in: html) == "console")
            #expect(Self.text(ofID: "health-email", in: html) == "failing")
            #expect(Self.text(ofID: "health-error-email", in: html)?.contains("503") == true)
            #expect(Self.text(ofID: "health-sms", in: html) == "healthy")
            #expect(Self.text(ofID: "health-push", in: html) == "unused")
            #expect(html.contains("env:ST_SENDGRID_KEY"))
            for secret in Self.secrets.values { #expect(!html.contains(secret)) }
            // Two enqueued, none sent yet.
            #expect(Self.text(ofID: "outbox-count-pending", in: html) == "2")
            #expect(Self.text(ofID: "outbox-count-dead", in: html) == "0")
            #expect(html.contains(#"id="dead-letter-none""#))
            #expect(!html.contains("style=") && !html.contains("<script"))
        }
    }

    @Test("a dead letter is listed without its content and re-queued by its button: pending again, audited as on the API",
          arguments: TestBackend.enabled)
    func requeueByButton(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "console-dlq")
            let other = try await Fixtures.tenant(app, slug: "console-dlq-other")
            let (_, dead) = try await DeadLetterTests.outboxWithDeadLetters(app, t)
            let (_, foreignDead) = try await DeadLetterTests.outboxWithDeadLetters(app, other)
            let admin = t[.groupAdmin]
            let browser = ConsoleBrowser(app)
            try await browser.signIn(admin, tenant: t)

            let page = try await browser.get("/console/integrations")
            #expect(page.status == .ok)
            // Five messages: two dead, three still pending.
            #expect(Self.text(ofID: "outbox-count-dead", in: page.text) == "2")
            #expect(Self.text(ofID: "outbox-count-pending", in: page.text) == "3")
            let target = dead[0].uuidString.lowercased()
            for id in dead.map({ $0.uuidString.lowercased() }) {
                #expect(page.text.contains(#"id="dead-letter-\#(id)""#))
                #expect(page.text.contains(#"id="requeue-\#(id)""#))
            }
            #expect(page.text.contains("bad address"))
            #expect(!page.text.contains("patient-secret"))
            #expect(!page.text.contains(foreignDead[0].uuidString.lowercased()))
            let action = "/console/integrations/outbox/\(target)/requeue"
            #expect(page.text.contains(#"action="\#(action)""#))

            let requeued = try await browser.post(action, form: [])
            #expect(requeued.status == .seeOther)
            #expect(requeued.headers.first(name: .location) == "/console/integrations?notice=requeued")
            let after = try await browser.follow(requeued)
            #expect(after.text.contains(#"id="notice""#) && after.text.contains("queued again"))
            #expect(Self.text(ofID: "outbox-count-dead", in: after.text) == "1")
            #expect(Self.text(ofID: "outbox-count-pending", in: after.text) == "4")
            #expect(!after.text.contains(#"id="dead-letter-\#(target)""#))

            let row = try #require(try await TenantScope(tenantID: t.id, db: app.db).find(OutboxMessage.self, dead[0]))
            #expect(row.status == .pending && row.attempts == 0)
            let events = try await AuditEvent.query(on: app.db).filter(\.$action == "outbox.requeue").all()
            #expect(events.count == 1)
            #expect(events.first?.targetID == target && events.first?.actorID == admin.id && events.first?.outcome == "success")

            // Again: no longer dead → 409 on the page, nothing re-queued twice.
            let again = try await browser.post(action, form: [])
            #expect(again.status == .conflict)
            #expect(again.text.contains(#"id="notice""#) && again.text.contains("Only a dead message"))
            // Another tenant's dead letter, or no message at all: 404, as the API answers.
            let foreign = try await browser.post("/console/integrations/outbox/\(foreignDead[0].uuidString.lowercased())/requeue", form: [])
            #expect(foreign.status == .notFound)
            #expect(try await browser.post("/console/integrations/outbox/not-an-id/requeue", form: []).status == .notFound)
            #expect(try await TenantScope(tenantID: other.id, db: app.db).find(OutboxMessage.self, foreignDead[0])?.status == .dead)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "outbox.requeue").count() == 1)
        }
    }

    @Test("a role without outbox.manage has no Integrations page and a forged requeue is refused with 403",
          arguments: TestBackend.enabled)
    func refusedWithoutOutboxManage(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "console-dlq-deny")
            let (_, dead) = try await DeadLetterTests.outboxWithDeadLetters(app, t)
            let facilityAdmin = t[.facilityAdmin]
            let browser = ConsoleBrowser(app)
            let home = try await browser.signIn(facilityAdmin, tenant: t)
            #expect(home.status == .ok)
            #expect(!home.text.contains(#"href="/console/integrations""#))
            #expect(!home.text.contains("Requeue"))

            let page = try await browser.get("/console/integrations")
            #expect(page.status == .forbidden)
            #expect(!page.text.contains("Requeue") && !page.text.contains(dead[0].uuidString.lowercased()))
            let deniedBefore = try await AuditEvent.query(on: app.db).filter(\.$action == "access.denied")
                .filter(\.$actorID == facilityAdmin.id).count()
            // The form token of the page just shown (a real one): only the role is wrong.
            let forged = try await browser.post("/console/integrations/outbox/\(dead[0].uuidString.lowercased())/requeue", form: [])
            #expect(forged.status == .forbidden)
            #expect(try await TenantScope(tenantID: t.id, db: app.db).find(OutboxMessage.self, dead[0])?.status == .dead)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "outbox.requeue").count() == 0)
            let deniedAfter = try await AuditEvent.query(on: app.db).filter(\.$action == "access.denied")
                .filter(\.$actorID == facilityAdmin.id).count()
            #expect(deniedAfter == deniedBefore + 1)
        }
    }
}
