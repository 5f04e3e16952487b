@testable import CareFlowAPI
import CareFlowCore
import Fluent
import Foundation
import SQLKit
import Testing
import VaporTesting

/// PRODUCT §2 accounts: the own profile, the own password, the own sessions.
@Suite("Own profile, password and sessions")
struct ProfileTests {
    static let newPassword = "a-brand-new-passphrase"

    @Test("PATCH /me changes the own profile, GET /me shows it, the phone is sealed", arguments: TestBackend.enabled)
    func updateProfile(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "profile")
            let nurse = t[.nurse]
            let patch = try await app.send(.PATCH, "/api/v1/me", token: nurse.token, json: jsonBody([
                "display_name": "Night Nurse", "phone": "+250788123456", "locale": "fr-RW",
                "notification_channels": ["push", "sms"],
            ]))
            #expect(patch.status == .ok, "\(patch.text)")
            let me = try await app.send(.GET, "/api/v1/me", token: nurse.token)
            for res in [patch, me] {
                #expect(res.json["display_name"] as? String == "Night Nurse")
                #expect(res.json["phone"] as? String == "+250788123456")
                #expect(res.json["locale"] as? String == "fr-RW")
                #expect(Set(res.json["notification_channels"] as? [String] ?? []) == ["sms", "push"])
                #expect(res.json["email"] as? String == nurse.email)
            }
            // Stored sealed, never in clear.
            let sql = try #require(app.db as? any SQLDatabase)
            let row = try #require(try await sql.raw("SELECT phone_sealed FROM users WHERE id = \(bind: nurse.id)").first())
            let stored = try row.decode(column: "phone_sealed", as: String.self)
            #expect(!stored.contains("788123456"))
            // null clears a field; absent fields stay.
            let cleared = try await app.send(.PATCH, "/api/v1/me", token: nurse.token, json: #"{"phone": null}"#)
            #expect(cleared.status == .ok)
            #expect(cleared.json["phone"] == nil)
            #expect(cleared.json["locale"] as? String == "fr-RW")
            // Someone else's profile is untouched.
            #expect(try await app.send(.GET, "/api/v1/me", token: t[.doctor].token).json["locale"] == nil)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "profile.update").count() == 2)
        }
    }

    @Test("PATCH /me names each bad field and changes nothing", arguments: TestBackend.enabled)
    func badProfileInput(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "badprofile")
            let nurse = t[.nurse]
            let cases: [(body: String, field: String)] = [
                (#"{"phone": "0788123456"}"#, "phone"),
                (#"{"phone": 250788123456}"#, "phone"),
                (#"{"locale": "english"}"#, "locale"),
                (#"{"locale": "fr_RW"}"#, "locale"),
                (#"{"notification_channels": ["sms", "fax"]}"#, "notification_channels[1]"),
                (#"{"notification_channels": "sms"}"#, "notification_channels"),
                (#"{"display_name": "\#(String(repeating: "x", count: 101))"}"#, "display_name"),
                (#"{"email": "other@badprofile.test"}"#, "email"),
                (#"{"locale": "en", "roles": ["group_admin"]}"#, "roles"),
            ]
            for c in cases {
                let res = try await app.send(.PATCH, "/api/v1/me", token: nurse.token, json: c.body)
                #expect(res.status == .unprocessableEntity, "\(c.body): \(res.text)")
                #expect(res.isProblem)
                let fields = (res.json["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String }
                #expect(fields == [c.field], "\(c.body): \(res.text)")
            }
            let me = try await app.send(.GET, "/api/v1/me", token: nurse.token)
            #expect(me.json["locale"] == nil)
            #expect(me.json["email"] as? String == nurse.email)
            let roles = (me.json["roles"] as? [[String: Any]] ?? []).compactMap { $0["role"] as? String }
            #expect(roles == ["nurse"])
        }
    }

    @Test("changing the password ends the other sessions and keeps this one", arguments: TestBackend.enabled)
    func changePassword(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "pwchange")
            let here = t[.nurse]
            let elsewhere = try await Fixtures.login(app, slug: "pwchange", email: here.email, id: here.id, role: .nurse, facility: t.f1.id)
            let res = try await app.send(.POST, "/api/v1/me/password", token: here.token,
                                         json: jsonBody(["current_password": testPassword, "new_password": Self.newPassword]))
            #expect(res.status == .noContent, "\(res.text)")
            #expect(try await app.send(.GET, "/api/v1/me", token: here.token).status == .ok)
            #expect(try await app.send(.POST, "/api/v1/auth/refresh", json: jsonBody(["refresh_token": here.tokens.refreshToken])).status == .ok)
            #expect(try await app.send(.GET, "/api/v1/me", token: elsewhere.token).status == .unauthorized)
            #expect(try await app.send(.POST, "/api/v1/auth/refresh", json: jsonBody(["refresh_token": elsewhere.tokens.refreshToken])).status == .unauthorized)
            let login = { (password: String) in
                try await app.send(.POST, "/api/v1/auth/login", json: jsonBody(["tenant": "pwchange", "email": here.email, "password": password]))
            }
            #expect(try await login(testPassword).status == .unauthorized)
            #expect(try await login(Self.newPassword).status == .ok)
            // The new password must pass the policy and differ from the current one.
            for (new, field) in [("short", "new_password"), (Self.newPassword, "new_password")] {
                let bad = try await app.send(.POST, "/api/v1/me/password", token: here.token,
                                             json: jsonBody(["current_password": Self.newPassword, "new_password": new]))
                #expect(bad.status == .unprocessableEntity)
                #expect((bad.json["errors"] as? [[String: Any]])?.first?["field"] as? String == field)
            }
        }
    }

    @Test("a wrong current password counts toward the account lockout like a failed login", arguments: TestBackend.enabled)
    func wrongCurrentPassword(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "pwguess")
            let nurse = t[.nurse]
            let threshold = app.services.configuration.throttle.accountThreshold
            for _ in 0..<threshold {
                let res = try await app.send(.POST, "/api/v1/me/password", token: nurse.token,
                                             json: jsonBody(["current_password": "guess-number-one-two", "new_password": Self.newPassword]))
                #expect(res.status == .unprocessableEntity)
                #expect((res.json["errors"] as? [[String: Any]])?.first?["field"] as? String == "current_password")
            }
            // Locked: even the right password is refused, here and at login.
            let locked = try await app.send(.POST, "/api/v1/me/password", token: nurse.token,
                                            json: jsonBody(["current_password": testPassword, "new_password": Self.newPassword]))
            #expect(locked.status == .tooManyRequests)
            let login = try await app.send(.POST, "/api/v1/auth/login",
                                           json: jsonBody(["tenant": "pwguess", "email": nurse.email, "password": testPassword]))
            #expect(login.status == .tooManyRequests)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "auth.password_change").filter(\.$outcome == "failure")
                .count() == threshold)
        }
    }

    @Test("the own sessions: listed without tokens, one ended; another user's session is not found", arguments: TestBackend.enabled)
    func sessions(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "sessions")
            let here = t[.nurse]
            let other = try await Fixtures.login(app, slug: "sessions", email: here.email, id: here.id, role: .nurse, facility: t.f1.id)
            let list = try await app.send(.GET, "/api/v1/me/sessions", token: here.token)
            #expect(list.status == .ok)
            let items = try #require(list.json["items"] as? [[String: Any]])
            #expect(items.count == 2)
            #expect(items.filter { $0["current"] as? Bool == true }.count == 1)
            for item in items {
                #expect(Set(item.keys).isSubset(of: ["id", "created_at", "last_used_at", "expires_at", "amr", "current"]))
                #expect(item["amr"] as? [String] == ["pwd"])
                #expect(item["expires_at"] is String)
                // Every login issued a refresh token: the latest one's time is the last use.
                #expect(item["last_used_at"] is String)
            }
            #expect(!list.text.contains(here.tokens.refreshToken) && !list.text.contains(other.tokens.refreshToken))
            let otherID = try #require(items.first { $0["current"] as? Bool == false }?["id"] as? String)

            // Another user's session, a random id and a malformed id: 404, nothing ended.
            let doctorSession = try #require(try await AuthSession.query(on: app.db).filter(\.$subjectID == t[.doctor].id).first()?.id)
            for id in [doctorSession.uuidString, UUID().uuidString, "not-a-uuid"] {
                let res = try await app.send(.DELETE, "/api/v1/me/sessions/\(id)", token: here.token)
                #expect(res.status == .notFound)
                #expect(res.isProblem)
            }
            #expect(try await app.send(.GET, "/api/v1/me", token: t[.doctor].token).status == .ok)

            #expect(try await app.send(.DELETE, "/api/v1/me/sessions/\(otherID)", token: here.token).status == .noContent)
            #expect(try await app.send(.GET, "/api/v1/me", token: other.token).status == .unauthorized)
            #expect(try await app.send(.GET, "/api/v1/me", token: here.token).status == .ok)
            let after = try await app.send(.GET, "/api/v1/me/sessions", token: here.token)
            #expect((after.json["items"] as? [[String: Any]])?.count == 1)
        }
    }
}
