@testable import CareFlowAPI
import CareFlowCore
import Fluent
import Foundation
import Testing
import Vapor

/// `StaffService.powers` decides which staff controls the console shows. Expected from the
/// README's grant rules (PRODUCT §1): an admin manages a member only if they could grant every
/// role the member holds anywhere in the tenant, never themself; a TOTP reset also needs that
/// reach at each facility where the member works; a facility admin's reach is their facility,
/// a group admin's the whole tenant minus `group_admin`. And the actions refuse what is not offered.
@Suite("Staff powers, without HTTP")
struct StaffPowersServiceTests {
    @Test("powers offers exactly what the grant rules allow, and the actions refuse the rest", arguments: TestBackend.enabled)
    func powers(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "powers")
            let scope = TenantScope(tenantID: t.id, db: app.db)
            let f1 = t.f1.id!, f2 = t.f2.id!
            // More people at f1: f2's admin as a nurse, a doctor who nurses at f2, the group admin as a doctor.
            let twoPlaces = try await Fixtures.user(app, tenant: t.tenant, email: "two@powers.test", role: .doctor, facility: f1)
            for (user, role, facility) in [(t.f2Admin.id, Role.nurse, f1), (twoPlaces.id, .nurse, f2), (t[.groupAdmin].id, .doctor, f1)] {
                try await scope.create(RoleAssignment(tenantID: t.id, userID: user, role: role, facilityID: facility, grantedBy: nil))
            }
            let (fa, ga, f2a) = (t[.facilityAdmin].id, t[.groupAdmin].id, t.f2Admin.id)
            let clerks = [t[.doctor].id, t[.nurse].id, t[.receptionist].id, t[.billing].id]
            let members = [fa, ga, f2a, twoPlaces.id] + clerks

            let all = StaffPowers(changeRoles: true, remove: true, resetMFA: true)
            let hereOnly = StaffPowers(changeRoles: true, remove: true, resetMFA: false)
            var byFacilityAdmin: [UUID: StaffPowers] = [fa: .none, ga: .none, f2a: .none, twoPlaces.id: hereOnly]
            var byGroupAdmin: [UUID: StaffPowers] = [fa: all, ga: .none, f2a: all, twoPlaces.id: all]
            for clerk in clerks {
                byFacilityAdmin[clerk] = all
                byGroupAdmin[clerk] = all
            }
            let nothing = Dictionary(uniqueKeysWithValues: members.map { ($0, StaffPowers.none) })

            let staff = app.services.staff
            let faContext = try await context(app, scope, fa)
            let gaContext = try await context(app, scope, ga)
            let f2aContext = try await context(app, scope, f2a)
            #expect(try await staff.powers(over: members, facilityID: f1, in: faContext) == byFacilityAdmin)
            #expect(try await staff.powers(over: members, facilityID: f1, in: gaContext) == byGroupAdmin)
            #expect(try await staff.powers(over: members, facilityID: f1, in: f2aContext) == nothing)
            // Another tenant's facility is not found.
            let other = try await Fixtures.tenant(app, slug: "powers-other")
            #expect(try await status { _ = try await staff.powers(over: members, facilityID: other.f1.id!, in: faContext) } == 404)

            // What is not offered is refused...
            #expect(try await status { try await staff.remove(userID: f2a, facilityID: f1, in: faContext) } == 403)
            #expect(try await status { _ = try await staff.changeRoles(userID: ga, to: [.doctor, .nurse], facilityID: f1, in: faContext) } == 403)
            #expect(try await status { try await staff.resetMFA(userID: twoPlaces.id, facilityID: f1, in: faContext, mfa: app.services.mfa) } == 403)
            #expect(try await status { try await staff.remove(userID: t[.nurse].id, facilityID: f1, in: f2aContext) } == 403)
            #expect(try await status { try await staff.remove(userID: fa, facilityID: f1, in: faContext) } == 403)
            // ...and what is offered is done.
            _ = try await staff.changeRoles(userID: twoPlaces.id, to: [.doctor, .receptionist], facilityID: f1, in: faContext)
            try await staff.resetMFA(userID: twoPlaces.id, facilityID: f1, in: gaContext, mfa: app.services.mfa)
            try await staff.remove(userID: f2a, facilityID: f1, in: gaContext)
            #expect(try await RoleAssignment.query(on: app.db).filter(\.$userID == f2a).all().map(\.role) == [.facilityAdmin])
        }
    }

    /// The principal a user's current role assignments make.
    func context(_ app: Application, _ scope: TenantScope, _ userID: UUID) async throws -> RequestContext {
        let grants = try await RoleAssignment.query(on: app.db).filter(\.$userID == userID).all().map(\.grant)
        let principal = Principal(subjectID: userID, kind: .user, tenantID: scope.tenantID, sessionID: UUID(), grants: grants,
                                  amr: ["pwd", "otp"])
        return RequestContext(scope: scope, principal: principal, origin: .none)
    }

    /// The HTTP status of the `AppError` the body throws, or 0 when it succeeds.
    func status(_ body: () async throws -> Void) async throws -> Int {
        do {
            try await body()
            return 0
        } catch let error as AppError {
            return error.status
        }
    }
}
