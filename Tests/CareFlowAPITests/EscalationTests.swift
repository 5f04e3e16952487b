@testable import CareFlowAPI
import CareFlowCore
import Fluent
import Foundation
import Testing
import VaporTesting

@Suite("Privilege escalation is refused and audited")
struct EscalationTests {
    @Test("facility admins cannot grant roles above their own", arguments: TestBackend.enabled)
    func grants(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "esc")
            let admin = t[.facilityAdmin]
            for roles in [["group_admin"], ["facility_admin"], ["platform_admin"], ["patient"], ["nurse", "group_admin"]] {
                let before = try await deniedGrants(app)
                let res = try await app.send(.POST, "/api/v1/facilities/\(t.f1.id!)/staff", token: admin.token,
                                             json: jsonBody(["email": "climber@esc.test", "roles": roles]))
                #expect(res.status == .forbidden, "granting \(roles): \(res.status)")
                #expect(res.isProblem)
                #expect(try await deniedGrants(app) == before + 1, "granting \(roles) was not audited")
            }
            // Nothing was half-written: no account for the refused invitations.
            #expect(try await Fixtures.directory(app, t.id).find(email: "climber@esc.test") == nil)

            // Promoting an existing nurse to facility admin, or changing one's own roles: refused.
            let promote = try await app.send(.PUT, "/api/v1/facilities/\(t.f1.id!)/staff/\(t[.nurse].id)/roles",
                                             token: admin.token, json: jsonBody(["roles": ["facility_admin"]]))
            #expect(promote.status == .forbidden)
            let selfGrant = try await app.send(.PUT, "/api/v1/facilities/\(t.f1.id!)/staff/\(admin.id)/roles",
                                               token: admin.token, json: jsonBody(["roles": ["facility_admin", "doctor"]]))
            #expect(selfGrant.status == .forbidden)
            let selfInvite = try await app.send(.POST, "/api/v1/facilities/\(t.f1.id!)/staff", token: admin.token,
                                                json: jsonBody(["email": admin.email, "roles": ["doctor"]]))
            #expect(selfInvite.status == .forbidden)
            // A facility admin cannot demote a peer admin.
            let peer = try await Fixtures.user(app, tenant: t.tenant, email: "peer@esc.test", role: .facilityAdmin, facility: t.f1.id)
            let demote = try await app.send(.DELETE, "/api/v1/facilities/\(t.f1.id!)/staff/\(peer.id)", token: admin.token)
            #expect(demote.status == .forbidden)
            // The nurse still holds exactly her role.
            let roles = try await AuthService.grants(ofUser: t[.nurse].id, tenantID: t.id, on: app.db).map(\.role)
            #expect(roles == [.nurse])
            // The group admin may appoint a facility admin.
            let appoint = try await app.send(.PUT, "/api/v1/facilities/\(t.f1.id!)/staff/\(t[.nurse].id)/roles",
                                             token: t[.groupAdmin].token, json: jsonBody(["roles": ["facility_admin"]]))
            #expect(appoint.status == .ok)
            #expect(appoint.json["roles"] as? [String] == ["facility_admin"])
        }
    }

    @Test("a role change ends the member's sessions at once", arguments: TestBackend.enabled)
    func roleChangeRevokes(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "rev")
            #expect(try await app.send(.GET, "/api/v1/me", token: t[.nurse].token).status == .ok)
            let res = try await app.send(.PUT, "/api/v1/facilities/\(t.f1.id!)/staff/\(t[.nurse].id)/roles",
                                         token: t[.facilityAdmin].token, json: jsonBody(["roles": ["receptionist"]]))
            #expect(res.status == .ok)
            #expect(try await app.send(.GET, "/api/v1/me", token: t[.nurse].token).status == .unauthorized)
            // After signing in again the token carries the new role.
            let again = try await Fixtures.login(app, slug: "rev", email: t[.nurse].email, id: t[.nurse].id, role: .receptionist, facility: t.f1.id)
            let me = try await app.send(.GET, "/api/v1/me", token: again.token)
            #expect((me.json["roles"] as? [[String: Any]])?.first?["role"] as? String == "receptionist")
        }
    }

    func deniedGrants(_ app: Application) async throws -> Int {
        try await AuditEvent.query(on: app.db).filter(\.$action == "role.grant").filter(\.$outcome == "denied").count()
    }
}
