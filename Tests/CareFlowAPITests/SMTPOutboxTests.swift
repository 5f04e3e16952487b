@testable import CareFlowAPI
import CareFlowCore
import Fluent
import Foundation
import Testing
import Vapor

/// A tenant file choosing `smtp` (STARTTLS, AUTH, password from the environment) and the outbox
/// worker delivering through it to a real SMTP server: a 4xx is retried and delivered once, a
/// 5xx is dead-lettered at once and never retried (PRODUCT §6).
@Suite("Outbox email through the smtp adapter", .tags(.interop), .outsideFastLayer)
struct SMTPOutboxTests {
    static func tenantFile(_ server: SMTPTestServer) -> String {
        """
        slug: mail
        name: Mail tenant
        timezone: UTC
        integrations:
          email: {adapter: smtp, host: 127.0.0.1, port: \(server.port), username: careflow, password: env:MAIL_SMTP_PASSWORD,
                  starttls: true, from: care@mail-tenant.example, ca_file: \(server.certificatePath)}
        """
    }

    static func run(_ backend: TestBackend, _ server: SMTPTestServer,
                    _ body: (Application, TenantScope) async throws -> Void) async throws {
        try await withCareFlow(backend, tenantFiles: ["mail.yaml": tenantFile(server)],
                               configure: { $0.secretEnvironment = ["MAIL_SMTP_PASSWORD": "smtp-pass-1"] }) { app in
            let t = try await Fixtures.tenant(app, slug: "mail")
            try await body(app, TenantScope(tenantID: t.id, db: app.db))
        }
    }

    @Test("451 at RCPT: the row stays pending with the reason, the next pass delivers it once, over TLS with AUTH",
          arguments: TestBackend.enabled)
    func greylisted(backend: TestBackend) async throws {
        guard let server = try await SMTPTestServer.start(["--tls", "--auth", "careflow:smtp-pass-1",
                                                     "--fail", "rcpt", "451 4.7.1 Greylisted, try again later", "1"]) else { return }
        defer { server.stop() }
        try await Self.run(backend, server) { app, scope in
            let id = try await app.services.outbox.enqueue(
                .email(OutgoingEmail(to: "patient@example.org", subject: "Your results", body: "They are ready.")), in: scope).id!
            let now = Date()
            try await app.services.outboxWorker.runOnce(now: now)
            let deferred = try #require(try await scope.find(OutboxMessage.self, id))
            #expect(deferred.status == .pending && deferred.attempts == 1)
            #expect(deferred.lastError?.contains("451") == true && deferred.lastError?.contains("patient@") == false)
            #expect(server.received.isEmpty)

            try await app.services.outboxWorker.runOnce(now: now.addingTimeInterval(7200))
            let sent = try #require(try await scope.find(OutboxMessage.self, id))
            #expect(sent.status == .sent && sent.attempts == 2, "\(sent.status) \(sent.lastError ?? "")")
            let message = try #require(server.received.first)
            #expect(server.received.count == 1)
            #expect(message.tls && message.auth_login == "careflow")
            #expect(message.mail_from == "care@mail-tenant.example" && message.rcpt_tos == ["patient@example.org"])
            #expect(message.parsed.subject == "Your results" && message.parsed.text == "They are ready.\n")
            let messageID = "<\(id.uuidString.lowercased())@mail-tenant.example>"
            #expect(message.parsed.message_id == messageID && sent.providerMessageID == messageID)

            // Nothing left to send: no second copy.
            try await app.services.outboxWorker.runOnce(now: now.addingTimeInterval(86_400))
            #expect(server.received.count == 1)
        }
    }

    @Test("550 at RCPT: dead-lettered after one attempt and never tried again", arguments: TestBackend.enabled)
    func rejected(backend: TestBackend) async throws {
        guard let server = try await SMTPTestServer.start(["--tls", "--auth", "careflow:smtp-pass-1",
                                                     "--fail", "rcpt", "550 5.1.1 No such user here", "99"]) else { return }
        defer { server.stop() }
        try await Self.run(backend, server) { app, scope in
            let id = try await app.services.outbox.enqueue(
                .email(OutgoingEmail(to: "gone@example.org", subject: "Reminder", body: "Tomorrow 09:00.")), in: scope).id!
            let now = Date()
            try await app.services.outboxWorker.runOnce(now: now)
            let dead = try #require(try await scope.find(OutboxMessage.self, id))
            #expect(dead.status == .dead && dead.attempts == 1)
            #expect(dead.lastError?.contains("550") == true && dead.lastError?.contains("permanent") == true, "\(dead.lastError ?? "")")

            for hours in [2.0, 24, 72] { try await app.services.outboxWorker.runOnce(now: now.addingTimeInterval(hours * 3600)) }
            #expect(server.events.filter { $0.command == "RCPT" }.count == 1)
            #expect(server.received.isEmpty)
        }
    }
}
