@testable import CareFlowAPI
import CareFlowCore
import Fluent
import Foundation
import Testing
import VaporTesting

/// Finding 3 of the security review: limits must hold when the guesses arrive all at once.
/// The cap counts *evaluated* guesses: a guess refused by the lock is never checked.
@Suite("Brute-force limits hold under concurrency")
struct ConcurrentGuessTests {
    @Test("40 parallel wrong codes on one MFA challenge: at most 5 are evaluated", arguments: TestBackend.enabled)
    func parallelCodes(backend: TestBackend) async throws {
        // The account lock is set out of reach, so only the challenge's own cap is under test.
        try await withCareFlow(backend, configure: { $0.throttle.accountThreshold = 1_000 }) { app in
            let t = try await Fixtures.tenant(app, slug: "codes")
            let admin = t[.groupAdmin]
            guard case .mfaRequired(let token) = try await app.services.auth.login(
                tenantSlug: "codes", email: admin.email, password: testPassword, origin: .none)
            else { Issue.record("no challenge"); return }
            let statuses = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                for i in 0..<40 {
                    group.addTask {
                        try await app.send(.POST, "/api/v1/auth/mfa/verify",
                                           json: jsonBody(["mfa_token": token, "code": String(format: "%06d", 100_000 + i)])).status
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.allSatisfy { $0 == .unauthorized }, "\(statuses)")
            let evaluated = try await AuditEvent.query(on: app.db).filter(\.$action == "auth.mfa").filter(\.$outcome == "failure").count()
            #expect(evaluated <= MFAChallenge.maxAttempts, "\(evaluated) codes were evaluated against one challenge")
            #expect(evaluated >= 1)
            let challenge = try #require(try await MFAChallenge.query(on: app.db)
                .filter(\.$tokenHash == SecureToken.digest(token)).first())
            #expect(challenge.attempts == MFAChallenge.maxAttempts)
            // The right code is refused too now: the challenge is spent.
            let code = TOTP(secret: admin.totpSecret!).code(at: Date().addingTimeInterval(30))
            let late = try await app.send(.POST, "/api/v1/auth/mfa/verify", json: jsonBody(["mfa_token": token, "code": code]))
            #expect(late.status == .unauthorized)
        }
    }

    @Test("25 parallel wrong passwords: at most the lock threshold is evaluated", arguments: TestBackend.enabled)
    func parallelPasswords(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "guess")
            let email = t[.receptionist].email
            let threshold = ThrottlePolicy().accountThreshold
            let statuses = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                for i in 0..<25 {
                    group.addTask {
                        try await app.send(.POST, "/api/v1/auth/login",
                                           json: jsonBody(["tenant": "guess", "email": email, "password": "guess-number-\(i)"])).status
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let evaluated = try await AuditEvent.query(on: app.db).filter(\.$action == "auth.login").filter(\.$outcome == "failure").count()
            #expect(evaluated <= threshold, "\(evaluated) passwords were checked; the lock is at \(threshold)")
            #expect(statuses.filter { $0 == .unauthorized }.count == evaluated)
            #expect(statuses.filter { $0 == .tooManyRequests }.count == 25 - evaluated)
            // The stored count is exactly what was evaluated: no update was lost.
            let rows = try await AuthThrottle.query(on: app.db).filter(\.$key ~~ [LoginThrottle.Keys(scope: "guess", email: email, ip: nil).account]).all()
            #expect(rows.first?.failures == evaluated)
            #expect(rows.first?.lockedUntil.map { $0 > Date() } == true)
        }
    }

    @Test("20 parallel wrong current passwords on /me/password: at most the lock threshold is evaluated", arguments: TestBackend.enabled)
    func parallelPasswordChanges(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "change")
            let nurse = t[.nurse]
            let statuses = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                for i in 0..<20 {
                    group.addTask {
                        try await app.send(.POST, "/api/v1/me/password", token: nurse.token,
                                           json: jsonBody(["current_password": "guess-\(i)", "new_password": "a-new-long-passphrase-\(i)"])).status
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let evaluated = try await AuditEvent.query(on: app.db).filter(\.$action == "auth.password_change").filter(\.$outcome == "failure").count()
            #expect(evaluated <= ThrottlePolicy().accountThreshold, "\(evaluated) current passwords were checked")
            #expect(statuses.filter { $0 == .unprocessableEntity }.count == evaluated)
            #expect(statuses.filter { $0 == .tooManyRequests }.count == 20 - evaluated)
        }
    }

    @Test("an address's failure count loses no update under concurrency", arguments: TestBackend.enabled)
    func addressCounter(backend: TestBackend) async throws {
        try await withCareFlow(backend, configure: { $0.throttle.ipThreshold = 1_000 }) { app in
            _ = try await Fixtures.tenant(app, slug: "addr")
            let auth = app.services.auth
            let origin = RequestOrigin(ip: "203.0.113.9")
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in 0..<30 {
                    group.addTask {
                        // Thirty different (unknown) accounts from one address.
                        _ = try? await auth.login(tenantSlug: "addr", email: "nobody-\(i)@addr.test", password: "x", origin: origin)
                    }
                }
                try await group.waitForAll()
            }
            let row = try #require(try await AuthThrottle.query(on: app.db).filter(\.$key == "ip:203.0.113.9").first())
            #expect(row.failures == 30)
            // A good login from that address gives its own attempt back and is not counted.
            _ = try await auth.login(tenantSlug: "addr", email: "group-admin@addr.test", password: testPassword, origin: origin)
            let after = try #require(try await AuthThrottle.query(on: app.db).filter(\.$key == "ip:203.0.113.9").first())
            #expect(after.failures == 30)
        }
    }

    @Test("the address lock stops the guesses past its threshold, also in parallel", arguments: TestBackend.enabled)
    func addressLockUnderConcurrency(backend: TestBackend) async throws {
        try await withCareFlow(backend, configure: { $0.throttle.ipThreshold = 10 }) { app in
            _ = try await Fixtures.tenant(app, slug: "addr-lock")
            let auth = app.services.auth
            let origin = RequestOrigin(ip: "198.51.100.7")
            let outcomes = try await withThrowingTaskGroup(of: Bool.self) { group in
                for i in 0..<40 {
                    group.addTask {
                        do {
                            _ = try await auth.login(tenantSlug: "addr-lock", email: "nobody-\(i)@addr.test", password: "x", origin: origin)
                            return false
                        } catch let error as AppError {
                            if case .rateLimited = error { return true }
                            return false
                        }
                    }
                }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(outcomes.filter { !$0 }.count == 10, "exactly the threshold was evaluated")
            #expect(outcomes.filter { $0 }.count == 30)
        }
    }
}
