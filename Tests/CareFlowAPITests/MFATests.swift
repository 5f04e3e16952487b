@testable import CareFlowAPI
import CareFlowCore
import Fluent
import Foundation
import Testing
import VaporTesting

@Suite("TOTP two-factor login")
struct MFATests {
    static let password = testPassword

    @Test("an admin without TOTP can only enrol; enrolment, then login with TOTP and recovery codes", arguments: TestBackend.enabled)
    func enrolmentFlow(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "mfa")
            // A new facility admin without TOTP.
            let scope = TenantScope(tenantID: t.id, db: app.db)
            let admin = try await Fixtures.directory(app, t.id).create(email: "new-admin@mfa.test", displayName: nil, status: .active,
                                                                       passwordHash: await app.services.hasher.hash(testPassword))
            try await scope.create(RoleAssignment(tenantID: t.id, userID: admin.id!, role: .facilityAdmin, facilityID: t.f1.id, grantedBy: nil))
            let login = try await app.send(.POST, "/api/v1/auth/login", json: jsonBody(["tenant": "mfa", "email": "new-admin@mfa.test", "password": testPassword]))
            #expect(login.status == .ok)
            let limited = try #require(login.json["access_token"] as? String)
            let claims = try JSONSerialization.jsonObject(with: Base64URL.decode(String(limited.split(separator: ".")[1]))!) as! [String: Any]
            #expect(claims["scope"] as? String == "mfa_enrolment")

            // Nothing but enrolment is reachable: every other authenticated operation is refused.
            let enrolmentPaths: Set<String> = ["/api/v1/me/mfa/totp", "/api/v1/me/mfa/totp/confirm"]
            let guarded = OpenAPIDocument.operations.filter { $0.authenticated && !enrolmentPaths.contains($0.path) }
            for op in guarded {
                let path = op.path.replacingOccurrences(of: "{facilityID}", with: t.f1.id!.uuidString)
                    .replacingOccurrences(of: "{userID}", with: t[.nurse].id.uuidString)
                    .replacingOccurrences(of: "{tenantID}", with: t.id.uuidString)
                let method = HTTPMethod(rawValue: op.method.uppercased())
                let res = try await app.send(method, path, token: limited, json: op.requestSchema == nil ? nil : "{}")
                #expect(res.status == .forbidden, "\(op.method) \(path): \(res.status)")
                #expect(res.json["type"] as? String == AppError.mfaEnrolmentRequired.typeURI, "\(op.method) \(path)")
            }
            #expect(guarded.count >= 15)
            let denied = try await AuditEvent.query(on: app.db).filter(\.$action == "access.denied").all()
                .filter { $0.details.contains("mfa_enrolment_required") }
            #expect(denied.count == guarded.count)

            let start = try await app.send(.POST, "/api/v1/me/mfa/totp", token: limited)
            #expect(start.status == .created)
            let secretText = try #require(start.json["secret"] as? String)
            let uri = try #require(start.json["otpauth_uri"] as? String)
            #expect(uri.hasPrefix("otpauth://totp/Tenant%20mfa:new-admin%40mfa.test?"))
            #expect(uri.contains("issuer=Tenant%20mfa"))
            let secret = try #require(Base32.decode(secretText))
            // The secret is stored sealed, not in clear.
            let stored = try #require(try await TOTPCredential.query(on: app.db).filter(\.$subjectID == admin.id!).first())
            #expect(!stored.secretSealed.token.contains(secretText))

            let wrong = try await app.send(.POST, "/api/v1/me/mfa/totp/confirm", token: limited, json: jsonBody(["code": "000000"]))
            #expect(wrong.status == .unprocessableEntity)
            // The code as an independent implementation computes it from the URI, when pyotp is present.
            let pyotpCode = try await Interop.python(script: "import pyotp,sys; print(pyotp.parse_uri(sys.argv[1]).now())",
                                               arguments: [uri], requiredModule: "pyotp")?.trimmingCharacters(in: .whitespacesAndNewlines)
            let code = pyotpCode ?? TOTP(secret: secret).code(at: Date())
            if pyotpCode != nil {
                let ours = TOTP(secret: secret)
                #expect([ours.code(at: Date()), ours.code(at: Date().addingTimeInterval(-30))].contains(code))
            }
            let confirm = try await app.send(.POST, "/api/v1/me/mfa/totp/confirm", token: limited, json: jsonBody(["code": code]))
            #expect(confirm.status == .ok, "\(confirm.text)")
            let recovery = try #require(confirm.json["recovery_codes"] as? [String])
            #expect(recovery.count == 10 && Set(recovery).count == 10)
            // The enrolment-only session is over.
            #expect(try await app.send(.POST, "/api/v1/me/mfa/totp", token: limited).status == .unauthorized)

            // Login now asks for the second factor.
            let step1 = try await app.send(.POST, "/api/v1/auth/login", json: jsonBody(["tenant": "mfa", "email": "new-admin@mfa.test", "password": testPassword]))
            #expect(step1.json["mfa_required"] as? Bool == true)
            #expect(step1.json["methods"] as? [String] == ["totp", "recovery_code"])
            #expect(step1.json["access_token"] == nil)
            let mfaToken = try #require(step1.json["mfa_token"] as? String)
            // The code used for confirmation is spent: its time step was recorded.
            let reused = try await app.send(.POST, "/api/v1/auth/mfa/verify", json: jsonBody(["mfa_token": mfaToken, "code": code]))
            #expect(reused.status == .unauthorized)
            // A recovery code works, once.
            let viaRecovery = try await app.send(.POST, "/api/v1/auth/mfa/verify", json: jsonBody(["mfa_token": mfaToken, "code": recovery[0].uppercased()]))
            #expect(viaRecovery.status == .ok, "\(viaRecovery.text)")
            let full = try #require(viaRecovery.json["access_token"] as? String)
            let fullClaims = try JSONSerialization.jsonObject(with: Base64URL.decode(String(full.split(separator: ".")[1]))!) as! [String: Any]
            #expect(fullClaims["amr"] as? [String] == ["pwd", "otp"])
            #expect(fullClaims["scope"] == nil)
            #expect(try await app.send(.GET, "/api/v1/me", token: full).status == .ok)
            // The challenge is single-use.
            #expect(try await app.send(.POST, "/api/v1/auth/mfa/verify", json: jsonBody(["mfa_token": mfaToken, "code": recovery[1]])).status == .unauthorized)
            let again = try await app.send(.POST, "/api/v1/auth/login", json: jsonBody(["tenant": "mfa", "email": "new-admin@mfa.test", "password": testPassword]))
            let token2 = try #require(again.json["mfa_token"] as? String)
            #expect(try await app.send(.POST, "/api/v1/auth/mfa/verify", json: jsonBody(["mfa_token": token2, "code": recovery[0]])).status == .unauthorized)

            // Admins cannot disable mandatory TOTP.
            let nextCode = TOTP(secret: secret).code(at: Date().addingTimeInterval(30))
            let disable = try await app.send(.POST, "/api/v1/me/mfa/totp/disable", token: full, json: jsonBody(["code": nextCode]))
            #expect(disable.status == .forbidden)
            #expect(try await AuditChainVerifier().verify(on: app.db).ok)
        }
    }

    @Test("a code is accepted once; the neighbouring steps are accepted, two steps away is not", arguments: TestBackend.enabled)
    func steps(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "steps")
            let admin = t[.groupAdmin]
            let totp = TOTP(secret: try #require(admin.totpSecret))
            let now = Date()
            func attempt(_ offset: TimeInterval, at time: Date) async throws -> Bool {
                guard case .mfaRequired(let token) = try await app.services.auth.login(
                    tenantSlug: "steps", email: admin.email, password: testPassword, origin: .none) else { return false }
                do {
                    _ = try await app.services.mfa.verifyChallenge(token: token, code: totp.code(at: time.addingTimeInterval(offset)),
                                                                   origin: .none, now: time)
                    return true
                } catch { return false }
            }
            try await TOTPCredential.query(on: app.db).filter(\.$subjectID == admin.id).set(\.$lastStep, to: nil).update()
            #expect(try await attempt(-60, at: now) == false)   // two steps behind
            #expect(try await attempt(60, at: now) == false)    // two steps ahead
            #expect(try await attempt(-30, at: now) == true)    // previous step
            #expect(try await attempt(-30, at: now) == false)   // the same code again
            #expect(try await attempt(0, at: now) == true)      // current step
            #expect(try await attempt(30, at: now) == true)     // next step
            #expect(try await attempt(0, at: now) == false)     // an older step after a newer one
        }
    }

    @Test("the tenant's mfa_required_for adds roles that must enrol", arguments: TestBackend.enabled)
    func tenantPolicy(backend: TestBackend) async throws {
        let yaml = """
            slug: strict
            name: Strict Group
            timezone: Africa/Kigali
            mfa_required_for: [doctor]
            """
        try await withCareFlow(backend, tenantFiles: ["strict.yaml": yaml]) { app in
            let t = try await Fixtures.tenant(app, slug: "strict")
            #expect(try await app.send(.GET, "/api/v1/me", token: t[.doctor].token).status == .forbidden)
            #expect(try await app.send(.GET, "/api/v1/me", token: t[.nurse].token).status == .ok)
        }
    }

    @Test("an admin resets a member's TOTP; the member's sessions end", arguments: TestBackend.enabled)
    func adminReset(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "reset")
            let nurse = t[.nurse]
            _ = try await Fixtures.enrolTOTP(app, tenantID: t.id, subjectID: nurse.id, kind: .user)
            let res = try await app.send(.DELETE, "/api/v1/facilities/\(t.f1.id!)/staff/\(nurse.id)/mfa", token: t[.facilityAdmin].token)
            #expect(res.status == .noContent)
            #expect(try await app.services.mfa.hasConfirmedTOTP(nurse.id) == false)
            #expect(try await app.send(.GET, "/api/v1/me", token: nurse.token).status == .unauthorized)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "mfa.reset").count() == 1)
            // Not one's own, and not a peer admin's.
            let own = try await app.send(.DELETE, "/api/v1/facilities/\(t.f1.id!)/staff/\(t[.facilityAdmin].id)/mfa", token: t[.facilityAdmin].token)
            #expect(own.status == .forbidden)
        }
    }
}
