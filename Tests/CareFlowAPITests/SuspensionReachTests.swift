@testable import CareFlowAPI
import CareFlowCore
import Fluent
import Foundation
import Testing
import VaporTesting

/// Finding 8 of the security review: a suspension or a deactivation ends what was issued
/// before it — MFA challenges and access tokens — not only what is issued after.
@Suite("Suspended tenants and deactivated accounts get nothing from earlier credentials")
struct SuspensionReachTests {
    @Test("an MFA challenge issued before the tenant's suspension yields no session", arguments: TestBackend.enabled)
    func challengeAfterSuspension(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "susp")
            let admin = t[.groupAdmin]
            guard case .mfaRequired(let token) = try await app.services.auth.login(
                tenantSlug: "susp", email: admin.email, password: testPassword, origin: .none)
            else { Issue.record("no challenge"); return }
            _ = try await app.services.onboarding.suspend(tenantID: t.id, actor: .system, origin: .none)
            let code = TOTP(secret: admin.totpSecret!).code(at: Date().addingTimeInterval(30))
            let res = try await app.send(.POST, "/api/v1/auth/mfa/verify", json: jsonBody(["mfa_token": token, "code": code]))
            #expect(res.status == .unauthorized, "\(res.text)")
            #expect(res.json["access_token"] == nil)
            let sessions = try await AuthSession.query(on: app.db).filter(\.$subjectID == admin.id).filter(\.$revokedAt == nil).count()
            #expect(sessions == 0, "no live session was started")
        }
    }

    @Test("an MFA challenge of an account deactivated meanwhile yields no session", arguments: TestBackend.enabled)
    func challengeAfterDeactivation(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "deact")
            let admin = t[.facilityAdmin]
            guard case .mfaRequired(let token) = try await app.services.auth.login(
                tenantSlug: "deact", email: admin.email, password: testPassword, origin: .none)
            else { Issue.record("no challenge"); return }
            try await User.query(on: app.db).filter(\.$id == admin.id).set(\.$status, to: .deactivated).update()
            let code = TOTP(secret: admin.totpSecret!).code(at: Date().addingTimeInterval(30))
            let res = try await app.send(.POST, "/api/v1/auth/mfa/verify", json: jsonBody(["mfa_token": token, "code": code]))
            #expect(res.status == .unauthorized, "\(res.text)")
        }
    }

    @Test("access tokens stop working when the tenant is suspended or the account deactivated, even with the session row live",
          arguments: TestBackend.enabled)
    func tokensRecheckStatus(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "recheck")
            let nurse = t[.nurse]
            let doctor = t[.doctor]
            #expect(try await app.send(.GET, "/api/v1/me", token: nurse.token).status == .ok)
            // Status changed without the revocation that normally accompanies it (another
            // replica's write, a restore, an operator's SQL): the token must still stop, within
            // the second a replica may remember a live session.
            let bound = app.services.configuration.sessionLivenessTTL + 0.1
            try await User.query(on: app.db).filter(\.$id == nurse.id).set(\.$status, to: .deactivated).update()
            try await Task.sleep(for: .seconds(bound))
            #expect(try await app.send(.GET, "/api/v1/me", token: nurse.token).status == .unauthorized)
            #expect(try await app.send(.GET, "/api/v1/me", token: doctor.token).status == .ok)
            try await Tenant.query(on: app.db).filter(\.$id == t.id).set(\.$status, to: .suspended).update()
            try await Task.sleep(for: .seconds(bound))
            #expect(try await app.send(.GET, "/api/v1/me", token: doctor.token).status == .unauthorized)
        }
    }
}
