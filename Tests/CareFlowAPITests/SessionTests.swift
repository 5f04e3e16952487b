@testable import CareFlowAPI
import CareFlowCore
import Fluent
import Foundation
import Testing
import VaporTesting

@Suite("Login, refresh rotation and logout")
struct SessionTests {
    @Test("login answers OAuth-shaped tokens; wrong password and unknown user look the same", arguments: TestBackend.enabled)
    func login(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "login")
            let ok = try await app.send(.POST, "/api/v1/auth/login",
                                        json: jsonBody(["tenant": "login", "email": t[.doctor].email.uppercased(), "password": testPassword]))
            #expect(ok.status == .ok)
            #expect(ok.json["token_type"] as? String == "Bearer")
            #expect(ok.json["expires_in"] as? Int == 900)
            #expect(ok.json["access_token"] is String && ok.json["refresh_token"] is String)

            let wrongPassword = try await app.send(.POST, "/api/v1/auth/login",
                                                   json: jsonBody(["tenant": "login", "email": t[.doctor].email, "password": "nope-nope-nope"]))
            let unknownUser = try await app.send(.POST, "/api/v1/auth/login",
                                                 json: jsonBody(["tenant": "login", "email": "ghost@login.test", "password": "nope-nope-nope"]))
            let unknownTenant = try await app.send(.POST, "/api/v1/auth/login",
                                                   json: jsonBody(["tenant": "nowhere", "email": "ghost@login.test", "password": "nope-nope-nope"]))
            for res in [wrongPassword, unknownUser, unknownTenant] {
                #expect(res.status == .unauthorized)
                #expect(res.json["detail"] as? String == wrongPassword.json["detail"] as? String)
                #expect(res.json["type"] as? String == wrongPassword.json["type"] as? String)
            }
            // Failed logins are audited in the tenant's chain.
            let failures = try await AuditEvent.query(on: app.db).filter(\.$action == "auth.login").filter(\.$outcome == "failure").count()
            #expect(failures == 2)
        }
    }

    @Test("refresh rotates; reusing a used refresh token revokes the whole session", arguments: TestBackend.enabled)
    func refreshReuse(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "refresh")
            let first = t[.nurse].tokens
            let r1 = try await app.send(.POST, "/api/v1/auth/refresh", json: jsonBody(["refresh_token": first.refreshToken]))
            #expect(r1.status == .ok)
            let second = r1.json["refresh_token"] as! String
            let access2 = r1.json["access_token"] as! String
            #expect(second != first.refreshToken)
            #expect(try await app.send(.GET, "/api/v1/me", token: access2).status == .ok)

            // The first token again: theft signal. The family dies, including the newest tokens.
            let replay = try await app.send(.POST, "/api/v1/auth/refresh", json: jsonBody(["refresh_token": first.refreshToken]))
            #expect(replay.status == .unauthorized)
            #expect(try await app.send(.POST, "/api/v1/auth/refresh", json: jsonBody(["refresh_token": second])).status == .unauthorized)
            #expect(try await app.send(.GET, "/api/v1/me", token: access2).status == .unauthorized)
            #expect(try await app.send(.GET, "/api/v1/me", token: first.accessToken).status == .unauthorized)
            let reuse = try await AuditEvent.query(on: app.db).filter(\.$action == "auth.refresh_reuse").count()
            #expect(reuse == 1)
            // Other sessions of other users are untouched.
            #expect(try await app.send(.GET, "/api/v1/me", token: t[.doctor].token).status == .ok)
            #expect(try await app.send(.POST, "/api/v1/auth/refresh", json: jsonBody(["refresh_token": "made-up"])).status == .unauthorized)
        }
    }

    @Test("concurrent refreshes with one token: at most one succeeds", arguments: TestBackend.enabled)
    func concurrentRefresh(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "race")
            let token = t[.billing].tokens.refreshToken
            let statuses = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                for _ in 0..<8 {
                    group.addTask { try await app.send(.POST, "/api/v1/auth/refresh", json: jsonBody(["refresh_token": token])).status }
                }
                return try await group.reduce(into: [HTTPStatus]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == .ok }.count <= 1)
            #expect(statuses.allSatisfy { $0 == .ok || $0 == .unauthorized })
        }
    }

    @Test("logout revokes the session, by access token or by refresh token", arguments: TestBackend.enabled)
    func logout(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "logout")
            let doctor = t[.doctor].tokens
            #expect(try await app.send(.POST, "/api/v1/auth/logout", token: doctor.accessToken).status == .noContent)
            #expect(try await app.send(.GET, "/api/v1/me", token: doctor.accessToken).status == .unauthorized)
            #expect(try await app.send(.POST, "/api/v1/auth/refresh", json: jsonBody(["refresh_token": doctor.refreshToken])).status == .unauthorized)

            let nurse = t[.nurse].tokens
            #expect(try await app.send(.POST, "/api/v1/auth/logout", json: jsonBody(["refresh_token": nurse.refreshToken])).status == .noContent)
            #expect(try await app.send(.GET, "/api/v1/me", token: nurse.accessToken).status == .unauthorized)
        }
    }

    @Test("a suspended tenant's sessions end and its users cannot sign in", arguments: TestBackend.enabled)
    func suspension(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "susp")
            let platform = try await Fixtures.platformAdmin(app)
            let res = try await app.send(.POST, "/api/v1/platform/tenants/\(t.id)/suspend", token: platform.token)
            #expect(res.status == .ok)
            #expect(res.json["status"] as? String == "suspended")
            #expect(try await app.send(.GET, "/api/v1/me", token: t[.doctor].token).status == .unauthorized)
            let login = try await app.send(.POST, "/api/v1/auth/login", json: jsonBody(["tenant": "susp", "email": t[.doctor].email, "password": testPassword]))
            #expect(login.status == .forbidden)
            #expect(login.json["type"] as? String == AppError.tenantSuspended.typeURI)
            let back = try await app.send(.POST, "/api/v1/platform/tenants/\(t.id)/reactivate", token: platform.token)
            #expect(back.json["status"] as? String == "active")
            let again = try await app.send(.POST, "/api/v1/auth/login", json: jsonBody(["tenant": "susp", "email": t[.doctor].email, "password": testPassword]))
            #expect(again.status == .ok)
        }
    }
}
