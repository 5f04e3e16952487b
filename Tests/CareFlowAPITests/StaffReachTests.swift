@testable import CareFlowAPI
import CareFlowCore
import Fluent
import Foundation
import Testing
import VaporTesting

/// Finding 1 of the security review: who may manage a member is decided by every role the
/// member holds anywhere in the tenant, also when an "invitation" names an existing account.
@Suite("Managing staff reaches only people the admin outranks everywhere")
struct StaffReachTests {
    @Test("a facility admin cannot pull the group admin into their facility and then manage them", arguments: TestBackend.enabled)
    func facilityAdminVersusGroupAdmin(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "reach")
            let fa = t[.facilityAdmin]
            let ga = t[.groupAdmin]
            let staff = "/api/v1/facilities/\(t.f1.id!)/staff"

            // The attack as reported: "invite" the group admin's existing account as a nurse.
            let invite = try await app.send(.POST, staff, token: fa.token, json: jsonBody(["email": ga.email, "roles": ["nurse"]]))
            #expect(invite.status == .forbidden, "\(invite.text)")
            #expect(invite.isProblem)
            #expect(try await roles(app, t, ga.id) == [.groupAdmin], "nothing was granted")

            // Even if the group admin does hold a role here (granted by someone entitled to),
            // the facility admin still cannot touch them.
            try await TenantScope(tenantID: t.id, db: app.db).create(
                RoleAssignment(tenantID: t.id, userID: ga.id, role: .nurse, facilityID: t.f1.id!, grantedBy: nil))
            let deniedBefore = try await deniedGrants(app)
            let resetMFA = try await app.send(.DELETE, "\(staff)/\(ga.id)/mfa", token: fa.token)
            let change = try await app.send(.PUT, "\(staff)/\(ga.id)/roles", token: fa.token, json: jsonBody(["roles": ["receptionist"]]))
            let remove = try await app.send(.DELETE, "\(staff)/\(ga.id)", token: fa.token)
            for res in [resetMFA, change, remove] {
                #expect(res.status == .forbidden, "\(res.text)")
            }
            #expect(try await deniedGrants(app) == deniedBefore + 3, "each refusal is audited")
            // The group admin keeps their factor, their roles and their session.
            #expect(try await TOTPCredential.query(on: app.db).filter(\.$subjectID == ga.id).count() == 1)
            #expect(Set(try await roles(app, t, ga.id)) == [.groupAdmin, .nurse])
            #expect(try await app.send(.GET, "/api/v1/me", token: ga.token).status == .ok)
        }
    }

    @Test("a group admin cannot manage another group admin; only the platform operator resets one's TOTP", arguments: TestBackend.enabled)
    func groupAdminVersusGroupAdmin(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "peers")
            let ga = t[.groupAdmin]
            let other = try await Fixtures.user(app, tenant: t.tenant, email: "second-ga@peers.test", role: .groupAdmin, facility: nil)
            let staff = "/api/v1/facilities/\(t.f1.id!)/staff"

            let invite = try await app.send(.POST, staff, token: ga.token, json: jsonBody(["email": other.email, "roles": ["doctor"]]))
            #expect(invite.status == .forbidden, "\(invite.text)")
            try await TenantScope(tenantID: t.id, db: app.db).create(
                RoleAssignment(tenantID: t.id, userID: other.id, role: .doctor, facilityID: t.f1.id!, grantedBy: nil))
            for res in [try await app.send(.DELETE, "\(staff)/\(other.id)/mfa", token: ga.token),
                        try await app.send(.PUT, "\(staff)/\(other.id)/roles", token: ga.token, json: jsonBody(["roles": ["nurse"]])),
                        try await app.send(.DELETE, "\(staff)/\(other.id)", token: ga.token)] {
                #expect(res.status == .forbidden, "\(res.text)")
            }
            #expect(try await TOTPCredential.query(on: app.db).filter(\.$subjectID == other.id).count() == 1)

            // The tenant's own admins cannot use the operator's route.
            let operatorRoute = "/api/v1/platform/tenants/\(t.id)/group-admins/\(other.id)/mfa"
            #expect(try await app.send(.DELETE, operatorRoute, token: ga.token).status == .forbidden)
            // The platform operator can, for a group admin only.
            let platform = try await Fixtures.platformAdmin(app)
            let reset = try await app.send(.DELETE, operatorRoute, token: platform.token)
            #expect(reset.status == .noContent, "\(reset.text)")
            #expect(try await TOTPCredential.query(on: app.db).filter(\.$subjectID == other.id).count() == 0)
            #expect(try await app.send(.GET, "/api/v1/me", token: other.token).status == .unauthorized, "their sessions ended")
            let audited = try await AuditEvent.query(on: app.db).filter(\.$action == "mfa.reset")
                .filter(\.$targetID == other.id.uuidString.lowercased()).count()
            #expect(audited == 1)
            let nurse = "/api/v1/platform/tenants/\(t.id)/group-admins/\(t[.nurse].id)/mfa"
            #expect(try await app.send(.DELETE, nurse, token: platform.token).status == .notFound)
            // A group admin named under another tenant's id, or an unknown tenant: not found, nothing reset.
            let elsewhere = try await Fixtures.tenant(app, slug: "peers-b")
            let crossed = "/api/v1/platform/tenants/\(t.id)/group-admins/\(elsewhere[.groupAdmin].id)/mfa"
            #expect(try await app.send(.DELETE, crossed, token: platform.token).status == .notFound)
            let unknown = "/api/v1/platform/tenants/\(UUID())/group-admins/\(elsewhere[.groupAdmin].id)/mfa"
            #expect(try await app.send(.DELETE, unknown, token: platform.token).status == .notFound)
            #expect(try await TOTPCredential.query(on: app.db).filter(\.$subjectID == elsewhere[.groupAdmin].id).count() == 1)
        }
    }

    @Test("a facility admin resets the TOTP only of people who work nowhere else", arguments: TestBackend.enabled)
    func mfaResetNeedsReachEverywhere(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "mfa-reach")
            let fa = t[.facilityAdmin]
            // A doctor of facility two who also takes nurse shifts at facility one.
            let doctor = try await Fixtures.user(app, tenant: t.tenant, email: "both@mfa-reach.test", role: .doctor, facility: t.f2.id)
            try await TenantScope(tenantID: t.id, db: app.db).create(
                RoleAssignment(tenantID: t.id, userID: doctor.id, role: .nurse, facilityID: t.f1.id!, grantedBy: nil))
            _ = try await Fixtures.enrolTOTP(app, tenantID: t.id, subjectID: doctor.id, kind: .user)
            let staff = "/api/v1/facilities/\(t.f1.id!)/staff"
            let refused = try await app.send(.DELETE, "\(staff)/\(doctor.id)/mfa", token: fa.token)
            #expect(refused.status == .forbidden, "\(refused.text)")
            #expect(try await TOTPCredential.query(on: app.db).filter(\.$subjectID == doctor.id).count() == 1)
            // The group admin reaches both facilities.
            let reset = try await app.send(.DELETE, "\(staff)/\(doctor.id)/mfa", token: t[.groupAdmin].token)
            #expect(reset.status == .noContent, "\(reset.text)")
            // A nurse of facility one only: the facility admin may.
            _ = try await Fixtures.enrolTOTP(app, tenantID: t.id, subjectID: t[.nurse].id, kind: .user)
            #expect(try await app.send(.DELETE, "\(staff)/\(t[.nurse].id)/mfa", token: fa.token).status == .noContent)
        }
    }

    func roles(_ app: Application, _ t: TestTenant, _ userID: UUID) async throws -> [Role] {
        try await AuthService.grants(ofUser: userID, tenantID: t.id, on: app.db).map(\.role)
    }

    func deniedGrants(_ app: Application) async throws -> Int {
        try await AuditEvent.query(on: app.db).filter(\.$action == "role.grant").filter(\.$outcome == "denied").count()
    }
}
