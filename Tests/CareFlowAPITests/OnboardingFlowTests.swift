@testable import CareFlowAPI
import CareFlowCore
import Fluent
import Foundation
import InstalledPlugins
import Testing
import VaporTesting

@Suite("Onboarding end to end")
struct OnboardingFlowTests {
    @Test("platform onboards a tenant; invitations arrive on the console and work once", arguments: TestBackend.enabled)
    func flow(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let platform = try await Fixtures.platformAdmin(app)
            let created = try await app.send(.POST, "/api/v1/platform/tenants", token: platform.token,
                                             json: jsonBody(["slug": "nyanza", "name": "Nyanza Health", "admin_email": "Boss@Nyanza.test"]))
            #expect(created.status == .created, "\(created.text)")
            #expect(created.json["invitation_sent"] as? Bool == true)
            // The tenant file was written and is valid.
            let file = app.services.configuration.tenantsDirectory + "/nyanza.yaml"
            let config = try TenantConfigurationLoader.parse(yaml: String(contentsOfFile: file, encoding: .utf8), fileName: "nyanza.yaml", adapters: .installed)
            #expect(config.name == "Nyanza Health")
            // Duplicate slug.
            let dup = try await app.send(.POST, "/api/v1/platform/tenants", token: platform.token,
                                         json: jsonBody(["slug": "nyanza", "name": "Again", "admin_email": "x@y.test"]))
            #expect(dup.status == .conflict)

            // The group admin's invitation.
            let adminToken = try #require(try await lastInvitationToken(app, slug: "nyanza", to: "boss@nyanza.test"))
            let weak = try await app.send(.POST, "/api/v1/auth/invitations/accept", json: jsonBody(["token": adminToken, "password": "short"]))
            #expect(weak.status == .unprocessableEntity)
            let accepted = try await app.send(.POST, "/api/v1/auth/invitations/accept", json: jsonBody(["token": adminToken, "password": testPassword]))
            #expect(accepted.status == .noContent)
            let reused = try await app.send(.POST, "/api/v1/auth/invitations/accept", json: jsonBody(["token": adminToken, "password": testPassword]))
            #expect(reused.status == .gone)
            let groupAdmin = try await signInEnrollingTOTP(app, tenant: "nyanza", email: "boss@nyanza.test")

            // Group admin onboards a facility and appoints a facility admin.
            let facility = try await app.send(.POST, "/api/v1/facilities", token: groupAdmin,
                                              json: jsonBody(["code": "nyanza-district", "name": "Nyanza District Hospital",
                                                              "address": "Nyanza, Southern Province"]))
            #expect(facility.status == .created)
            #expect(facility.json["timezone"] as? String == "UTC")
            #expect(facility.json["address"] as? String == "Nyanza, Southern Province")
            let facilityID = try #require(facility.json["id"] as? String)
            let appoint = try await app.send(.POST, "/api/v1/facilities/\(facilityID)/staff", token: groupAdmin,
                                             json: jsonBody(["email": "fa@nyanza.test", "roles": ["facility_admin"]]))
            #expect(appoint.status == .created)
            #expect(appoint.json["status"] as? String == "invited")
            let faToken = try #require(try await lastInvitationToken(app, slug: "nyanza", to: "fa@nyanza.test"))
            #expect(try await app.send(.POST, "/api/v1/auth/invitations/accept", json: jsonBody(["token": faToken, "password": testPassword])).status == .noContent)
            let fa = try await signInEnrollingTOTP(app, tenant: "nyanza", email: "fa@nyanza.test")

            // The facility admin invites a nurse; the nurse appears in the staff list.
            let invite = try await app.send(.POST, "/api/v1/facilities/\(facilityID)/staff", token: fa,
                                            json: jsonBody(["email": "nurse@nyanza.test", "roles": ["nurse"], "display_name": "Night nurse"]))
            #expect(invite.status == .created)
            let staff = try await app.send(.GET, "/api/v1/facilities/\(facilityID)/staff", token: fa)
            let emails = (staff.json["items"] as? [[String: Any]] ?? []).compactMap { $0["email"] as? String }
            #expect(Set(emails) == ["fa@nyanza.test", "nurse@nyanza.test"])
            // An expired invitation does not work.
            let nurseToken = try #require(try await lastInvitationToken(app, slug: "nyanza", to: "nurse@nyanza.test"))
            try await Invitation.query(on: app.db).filter(\.$tokenHash == SecureToken.digest(nurseToken))
                .set(\.$expiresAt, to: Date().addingTimeInterval(-1)).update()
            #expect(try await app.send(.POST, "/api/v1/auth/invitations/accept", json: jsonBody(["token": nurseToken, "password": testPassword])).status == .gone)

            let report = try await AuditChainVerifier().verify(on: app.db)
            #expect(report.ok)
            let actions = Set(try await AuditEvent.query(on: app.db).all().map(\.action))
            #expect(actions.isSuperset(of: ["tenant.onboard", "invitation.send", "invitation.accept", "facility.create", "role.grant", "auth.login"]))
        }
    }

    /// What a new admin does: sign in (enrolment-only token), enrol TOTP, sign in again with
    /// the second factor (here a recovery code). Returns a full access token.
    func signInEnrollingTOTP(_ app: Application, tenant: String, email: String) async throws -> String {
        let credentials = jsonBody(["tenant": tenant, "email": email, "password": testPassword])
        let first = try await app.send(.POST, "/api/v1/auth/login", json: credentials)
        let limited = try #require(first.json["access_token"] as? String)
        let start = try await app.send(.POST, "/api/v1/me/mfa/totp", token: limited)
        let secretText = try #require(start.json["secret"] as? String)
        let secret = try #require(Base32.decode(secretText))
        let confirm = try await app.send(.POST, "/api/v1/me/mfa/totp/confirm", token: limited,
                                         json: jsonBody(["code": TOTP(secret: secret).code(at: Date())]))
        let recovery = try #require(confirm.json["recovery_codes"] as? [String])
        let second = try await app.send(.POST, "/api/v1/auth/login", json: credentials)
        let mfaToken = try #require(second.json["mfa_token"] as? String)
        let verified = try await app.send(.POST, "/api/v1/auth/mfa/verify", json: jsonBody(["mfa_token": mfaToken, "code": recovery[0]]))
        return try #require(verified.json["access_token"] as? String)
    }

    /// Reads the newest invitation link sent to `to` from the console adapter's journal.
    func lastInvitationToken(_ app: Application, slug: String, to: String) async throws -> String? {
        // Invitations leave through the outbox: deliver what is queued first.
        while try await app.services.outboxWorker.runOnce() > 0 {}
        let path = app.services.configuration.consoleDirectory + "/\(slug).jsonl"
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        for line in lines.reversed() {
            let message = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] ?? [:]
            #expect(message["capability"] as? String == "email")
            #expect(message["at"] is String)
            guard message["to"] as? String == to, let body = message["body"] as? String,
                  let match = body.firstMatch(of: /\/console\/invitations\/accept\?token=([A-Za-z0-9_-]+)/) else { continue }
            return String(match.1)
        }
        return nil
    }
}
