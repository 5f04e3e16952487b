@testable import CareFlowAPI
import CareFlowCore
import Fluent
import Foundation
import Testing
import VaporTesting

@Suite("Brute-force protection")
struct ThrottleTests {
    @Test("an account locks after N failures, alike for unknown accounts, and releases after the cool-down", arguments: TestBackend.enabled)
    func lockout(backend: TestBackend) async throws {
        try await withCareFlow(backend, configure: { $0.throttle.accountThreshold = 3; $0.throttle.accountLock = 600 }) { app in
            let t = try await Fixtures.tenant(app, slug: "lock")
            let email = t[.doctor].email
            func attempt(_ email: String, _ password: String) async throws -> TestingHTTPResponse {
                try await app.send(.POST, "/api/v1/auth/login", json: jsonBody(["tenant": "lock", "email": email, "password": password]))
            }
            for _ in 0..<3 {
                #expect(try await attempt(email, "wrong-password-1").status == .unauthorized)
                #expect(try await attempt("ghost@lock.test", "wrong-password-1").status == .unauthorized)
            }
            // Locked: even the right password is refused, with the same answer as an unknown account.
            let real = try await attempt(email, testPassword)
            let ghost = try await attempt("ghost@lock.test", testPassword)
            for res in [real, ghost] {
                #expect(res.status == .tooManyRequests)
                #expect(res.isProblem)
                #expect(Int(res.headers.first(name: .retryAfter) ?? "") ?? 0 >= 1)
            }
            #expect(real.json["type"] as? String == ghost.json["type"] as? String)
            #expect(real.json["title"] as? String == ghost.json["title"] as? String)
            let locks = try await AuditEvent.query(on: app.db).filter(\.$action == "auth.login").all().filter { $0.details.contains("account_locked") }
            #expect(locks.count >= 1)
            // Other accounts are not affected.
            #expect(try await attempt(t[.nurse].email, testPassword).status == .ok)
            // The cool-down passes (moved into the past rather than waited for, so a loaded
            // machine cannot make the lock expire before it was observed).
            try await AuthThrottle.query(on: app.db).filter(\.$lockedUntil != nil)
                .set(\.$lockedUntil, to: Date().addingTimeInterval(-1)).update()
            #expect(try await attempt(email, testPassword).status == .ok)
        }
    }

    @Test("wrong TOTP codes lock the account too", arguments: TestBackend.enabled)
    func totpLockout(backend: TestBackend) async throws {
        try await withCareFlow(backend, configure: { $0.throttle.accountThreshold = 3 }) { app in
            let t = try await Fixtures.tenant(app, slug: "totp-lock")
            let admin = t[.groupAdmin]
            guard case .mfaRequired(let token) = try await app.services.auth.login(
                tenantSlug: "totp-lock", email: admin.email, password: testPassword, origin: .none) else { Issue.record("no challenge"); return }
            for _ in 0..<3 {
                let res = try await app.send(.POST, "/api/v1/auth/mfa/verify", json: jsonBody(["mfa_token": token, "code": "123456"]))
                #expect(res.status == .unauthorized)
            }
            let code = TOTP(secret: admin.totpSecret!).code(at: Date().addingTimeInterval(30))
            let locked = try await app.send(.POST, "/api/v1/auth/mfa/verify", json: jsonBody(["mfa_token": token, "code": code]))
            #expect(locked.status == .tooManyRequests)
        }
    }

    @Test("auth routes are rate limited per client with Retry-After")
    func rateLimit() async throws {
        // Two a minute: the bucket gives a request back every 30 s, longer than these four take even
        // on a loaded machine (at five a minute, one came back after 12 s of a slow CI run).
        try await withCareFlow(.sqlite, configure: { $0.authRequestsPerMinute = 2 }) { app in
            var statuses: [HTTPStatus] = []
            for _ in 0..<4 {
                statuses.append(try await app.send(.POST, "/api/v1/auth/refresh", json: jsonBody(["refresh_token": "x"])).status)
            }
            #expect(statuses.prefix(2).allSatisfy { $0 == .unauthorized }, "\(statuses)")
            #expect(statuses.suffix(2).allSatisfy { $0 == .tooManyRequests }, "\(statuses)")
            let res = try await app.send(.POST, "/api/v1/auth/login", json: jsonBody(["email": "a@b.test", "password": "x"]))
            #expect(res.headers.first(name: .retryAfter) != nil)
            // Other routes are not limited.
            #expect(try await app.send(.GET, "/health").status == .ok)
        }
    }
}
