@testable import CareFlowAPI
@testable import CareFlowCore
import Fluent
import Foundation
import Testing
import VaporTesting

/// Live sessions are remembered for a second so authenticated requests skip the database
/// (issue 11); what this replica revokes must still end at once.
@Suite("Remembered sessions end at once when this replica revokes them")
struct SessionLivenessTests {
    @Test("logout, a role change, a tenant suspension and a password change end remembered sessions at once",
          arguments: TestBackend.enabled)
    func revocationsAreImmediate(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "live")
            func me(_ user: TestUser) async throws -> HTTPStatus { try await app.send(.GET, "/api/v1/me", token: user.token).status }
            // Each is remembered first (two reads within the second), then ended.
            #expect(try await me(t[.doctor]) == .ok)
            #expect(try await me(t[.doctor]) == .ok)
            #expect(try await app.send(.POST, "/api/v1/auth/logout", token: t[.doctor].token).status == .noContent)
            #expect(try await me(t[.doctor]) == .unauthorized)

            #expect(try await me(t[.nurse]) == .ok)
            let change = try await app.send(.PUT, "/api/v1/facilities/\(t.f1.id!)/staff/\(t[.nurse].id)/roles",
                                            token: t[.facilityAdmin].token, json: jsonBody(["roles": ["receptionist"]]))
            #expect(change.status == .ok)
            #expect(try await me(t[.nurse]) == .unauthorized)

            #expect(try await me(t[.billing]) == .ok)
            let other = try await Fixtures.login(app, slug: "live", email: t[.billing].email, id: t[.billing].id, role: .billing, facility: t.f1.id)
            #expect(try await me(other) == .ok)
            let password = try await app.send(.POST, "/api/v1/me/password", token: other.token,
                                              json: jsonBody(["current_password": testPassword, "new_password": "another-long-passphrase-9"]))
            #expect(password.status == .noContent, "\(password.text)")
            #expect(try await me(t[.billing]) == .unauthorized, "the other session ended")
            #expect(try await me(other) == .ok, "the asking session stays")

            #expect(try await me(t[.receptionist]) == .ok)
            _ = try await app.services.onboarding.suspend(tenantID: t.id, actor: .system, origin: .none)
            #expect(try await me(t[.receptionist]) == .unauthorized)
        }
    }

    @Test("a token whose signature was checked once still expires, and a changed byte is checked again", arguments: TestBackend.enabled)
    func rememberedTokensExpire(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "memo")
            let token = t[.nurse].token
            _ = try await app.services.auth.authenticate(bearer: token)
            _ = try await app.services.auth.authenticate(bearer: token)
            let later = Date().addingTimeInterval(16 * 60)
            await #expect(throws: AppError.self) { try await app.services.auth.authenticate(bearer: token, now: later) }
            // Flip one character of the signature: a different string, verified afresh, refused.
            var bytes = Array(token.utf8)
            bytes[bytes.count - 2] = bytes[bytes.count - 2] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
            let forged = String(decoding: bytes, as: UTF8.self)
            #expect(try await app.send(.GET, "/api/v1/me", token: forged).status == .unauthorized)
            #expect(try await app.send(.GET, "/api/v1/me", token: token).status == .ok)
        }
    }

    @Test("a lookup that raced a revocation cannot put the old answer back")
    func tombstonesWin() {
        let liveness = SessionLiveness(ttl: 60, quarantine: 30)
        let session = UUID(), subject = UUID(), tenant = UUID()
        let snapshot = SessionLiveness.Snapshot(subjectID: subject, subjectKind: .user, tenantID: tenant, enrolmentOnly: false,
                                                expiresAt: Date().addingTimeInterval(900))
        liveness.remember(snapshot, of: session)
        #expect(liveness.snapshot(of: session) == snapshot)
        liveness.forget(subject: subject)
        #expect(liveness.snapshot(of: session) == nil)
        // A lookup that read the row before the revoking transaction committed stores late.
        liveness.remember(snapshot, of: session)
        #expect(liveness.snapshot(of: session) == nil, "the tombstone keeps the database in charge")
        // After the quarantine the session may be remembered again (the database now says revoked,
        // so in practice it never is).
        let later = Date().addingTimeInterval(31)
        liveness.remember(snapshot, of: session, now: later)
        #expect(liveness.snapshot(of: session, now: later.addingTimeInterval(1)) == snapshot)
        // The memory never outlives its ttl.
        #expect(liveness.snapshot(of: session, now: later.addingTimeInterval(61)) == nil)
    }
}
