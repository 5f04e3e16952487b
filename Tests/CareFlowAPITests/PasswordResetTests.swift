@testable import CareFlowAPI
import CareFlowCore
import Fluent
import Foundation
import Testing
import VaporTesting

/// PRODUCT §2: `password/forgot` always answers 202 and emails a single-use link valid 30 min;
/// `password/reset` sets the password and ends every session of the account.
@Suite("Password reset")
struct PasswordResetTests {
    static let newPassword = "a-brand-new-passphrase"

    static func forgot(_ app: Application, tenant: String, email: String) async throws -> TestingHTTPResponse {
        try await app.send(.POST, "/api/v1/auth/password/forgot", json: jsonBody(["tenant": tenant, "email": email]))
    }

    static func reset(_ app: Application, token: String, password: String = newPassword) async throws -> TestingHTTPResponse {
        try await app.send(.POST, "/api/v1/auth/password/reset", json: jsonBody(["token": token, "password": password]))
    }

    static func login(_ app: Application, _ t: TestTenant, _ user: TestUser, password: String) async throws -> TestingHTTPResponse {
        try await app.send(.POST, "/api/v1/auth/login", json: jsonBody(["tenant": t.tenant.slug, "email": user.email, "password": password]))
    }

    @Test("forgot answers 202 with the same body for a known email, an unknown email and an unknown tenant",
          arguments: TestBackend.enabled)
    func noOracle(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "forgot")
            // Each answer takes at least the common floor, so the cheap "no account" paths do not
            // answer faster than the one that writes and queues an email.
            let clock = ContinuousClock()
            var elapsed: [Duration] = []
            func timed(_ tenant: String, _ email: String) async throws -> TestingHTTPResponse {
                let start = clock.now
                let res = try await Self.forgot(app, tenant: tenant, email: email)
                elapsed.append(clock.now - start)
                return res
            }
            let known = try await timed("forgot", t[.nurse].email)
            let unknown = try await timed("forgot", "nobody@forgot.test")
            let noTenant = try await timed("no-such-tenant", t[.nurse].email)
            #expect(elapsed.allSatisfy { $0 >= .milliseconds(195) }, "\(elapsed)")
            for res in [known, unknown, noTenant] {
                #expect(res.status == .accepted)
                #expect(res.text == known.text)
            }
            #expect(try await Mailbox.emails(app, tenantID: t.id, to: t[.nurse].email).count == 1)
            #expect(try await OutboxMessage.query(on: app.db).count() == 1)
            // Bad input is still named (that reveals nothing about accounts).
            let bad = try await app.send(.POST, "/api/v1/auth/password/forgot", json: jsonBody(["tenant": "forgot", "mail": "x"]))
            #expect(bad.status == .unprocessableEntity)
            let fields = Set((bad.json["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String })
            #expect(fields == ["email", "mail"])
        }
    }

    @Test("the emailed token sets the password once and ends every session of the account", arguments: TestBackend.enabled)
    func resetOnce(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "reset")
            let nurse = t[.nurse]
            #expect(try await app.send(.GET, "/api/v1/me", token: nurse.token).status == .ok)
            #expect(try await Self.forgot(app, tenant: "reset", email: nurse.email).status == .accepted)
            let token = try #require(try await Mailbox.lastToken(app, tenantID: t.id, to: nurse.email, path: "/console/password/reset"))

            // A weak password is refused and does not use the link up.
            let weak = try await Self.reset(app, token: token, password: "short")
            #expect(weak.status == .unprocessableEntity)
            #expect((weak.json["errors"] as? [[String: Any]])?.first?["field"] as? String == "password")

            #expect(try await Self.reset(app, token: token).status == .noContent)
            #expect(try await Self.reset(app, token: token, password: "yet-another-passphrase").status == .gone)
            // Old access and refresh tokens are dead; the old password too; the new one works.
            #expect(try await app.send(.GET, "/api/v1/me", token: nurse.token).status == .unauthorized)
            let refresh = try await app.send(.POST, "/api/v1/auth/refresh", json: jsonBody(["refresh_token": nurse.tokens.refreshToken]))
            #expect(refresh.status == .unauthorized)
            #expect(try await Self.login(app, t, nurse, password: testPassword).status == .unauthorized)
            #expect(try await Self.login(app, t, nurse, password: Self.newPassword).status == .ok)
            // Other accounts are untouched.
            #expect(try await app.send(.GET, "/api/v1/me", token: t[.doctor].token).status == .ok)
            let actions = try await AuditEvent.query(on: app.db).all().map(\.action)
            #expect(actions.contains("auth.password_forgot") && actions.contains("auth.password_reset"))
        }
    }

    @Test("a reset link is valid for 30 minutes", arguments: TestBackend.enabled)
    func expiry(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "expiry")
            let nurse = t[.nurse]
            #expect(try await Self.forgot(app, tenant: "expiry", email: nurse.email).status == .accepted)
            let token = try #require(try await Mailbox.lastToken(app, tenantID: t.id, to: nurse.email, path: "/console/password/reset"))
            let service = app.services.accounts.passwordReset
            await #expect(throws: AppError.self) {
                try await service.reset(token: token, password: Self.newPassword, origin: .none, now: Date().addingTimeInterval(31 * 60))
            }
            try await service.reset(token: token, password: Self.newPassword, origin: .none, now: Date().addingTimeInterval(29 * 60))
            #expect(try await Self.login(app, t, nurse, password: Self.newPassword).status == .ok)
        }
    }

    @Test("a newer request voids older links; at most 3 emails per account per hour, still 202", arguments: TestBackend.enabled)
    func newerAndCapped(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "capped")
            let nurse = t[.nurse]
            #expect(try await Self.forgot(app, tenant: "capped", email: nurse.email).status == .accepted)
            let first = try #require(try await Mailbox.lastToken(app, tenantID: t.id, to: nurse.email, path: "/console/password/reset"))
            #expect(try await Self.forgot(app, tenant: "capped", email: nurse.email).status == .accepted)
            let second = try #require(try await Mailbox.lastToken(app, tenantID: t.id, to: nurse.email, path: "/console/password/reset"))
            #expect(first != second)
            #expect(try await Self.reset(app, token: first).status == .gone)

            // Parallel requests cannot beat the cap either.
            let statuses = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                for _ in 0..<8 { group.addTask { try await Self.forgot(app, tenant: "capped", email: nurse.email).status } }
                return try await group.reduce(into: [HTTPStatus]()) { $0.append($1) }
            }
            #expect(statuses.allSatisfy { $0 == .accepted })
            #expect(try await Mailbox.emails(app, tenantID: t.id, to: nurse.email).count == 3)
            // The newest link still works.
            let newest = try #require(try await Mailbox.lastToken(app, tenantID: t.id, to: nurse.email, path: "/console/password/reset"))
            #expect(try await Self.reset(app, token: newest).status == .noContent)
        }
    }
}
