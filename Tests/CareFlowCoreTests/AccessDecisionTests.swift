@testable import CareFlowCore
import Foundation
import Testing

@Suite("Access decisions (pure policy, no I/O)")
struct AccessDecisionTests {
    static let f1 = UUID(), f2 = UUID(), tenant = UUID(), me = UUID()

    static func principal(_ role: Role, at facility: UUID? = f1) -> Principal {
        Principal(subjectID: me, kind: role == .platformAdmin ? .platformAdmin : .user, tenantID: role == .platformAdmin ? nil : tenant,
                  sessionID: UUID(), grants: [RoleGrant(role: role, facilityID: role.scope == .facility ? facility : nil)], amr: ["pwd"])
    }

    @Test("every role × action × target follows the table", arguments: Role.allCases)
    func table(role: Role) {
        let p = Self.principal(role)
        for action in Action.allCases {
            let scope = AccessPolicy.scope(of: role, for: action)
            #expect(AccessDecision.isAllowed(p, action, on: .platform) == (scope == .platform && role == .platformAdmin), "\(role) \(action) platform")
            #expect(AccessDecision.isAllowed(p, action, on: .tenant) == (scope == .tenant), "\(role) \(action) tenant")
            #expect(AccessDecision.isAllowed(p, action, on: .facility(Self.f1)) == (scope == .tenant || scope == .facility), "\(role) \(action) own facility")
            #expect(AccessDecision.isAllowed(p, action, on: .facility(Self.f2)) == (scope == .tenant), "\(role) \(action) other facility")
            #expect(AccessDecision.isAllowed(p, action, on: .account(Self.me)) == (scope == .self), "\(role) \(action) own account")
            #expect(AccessDecision.isAllowed(p, action, on: .account(UUID())) == false, "\(role) \(action) other account")
        }
    }

    @Test("a user with no roles may do nothing")
    func noRoles() {
        let p = Principal(subjectID: Self.me, kind: .user, tenantID: Self.tenant, sessionID: UUID(), grants: [], amr: [])
        for action in Action.allCases {
            for target in [AccessTarget.platform, .tenant, .facility(Self.f1), .account(Self.me)] {
                #expect(!AccessDecision.isAllowed(p, action, on: target))
            }
        }
    }

    @Test("visible facilities: all for tenant-wide roles, the held ones otherwise")
    func visibleFacilities() {
        #expect(AccessDecision.facilities(for: Self.principal(.groupAdmin), .facilityRead) == nil)
        #expect(AccessDecision.facilities(for: Self.principal(.nurse), .facilityRead) == [Self.f1])
        #expect(AccessDecision.facilities(for: Self.principal(.patient), .facilityRead) == [])
    }

    @Test("role grants close every escalation path")
    func grants() {
        let facilityAdmin = Self.principal(.facilityAdmin)
        #expect(RoleGrantPolicy.grantableRoles(by: facilityAdmin, at: Self.f1) == [.doctor, .nurse, .receptionist, .billing])
        #expect(RoleGrantPolicy.grantableRoles(by: facilityAdmin, at: Self.f2).isEmpty)
        #expect(RoleGrantPolicy.refused([.nurse, .groupAdmin, .facilityAdmin, .platformAdmin, .patient], by: facilityAdmin, at: Self.f1)
            == [.groupAdmin, .facilityAdmin, .platformAdmin, .patient])
        let groupAdmin = Self.principal(.groupAdmin)
        #expect(RoleGrantPolicy.grantableRoles(by: groupAdmin, at: Self.f2).contains(.facilityAdmin))
        #expect(!RoleGrantPolicy.grantableRoles(by: groupAdmin, at: Self.f2).contains(.groupAdmin))
        #expect(RoleGrantPolicy.grantableRoles(by: Self.principal(.doctor), at: Self.f1).isEmpty)
    }

    @Test("MFA is mandatory for admins and for roles the tenant lists")
    func mfaPolicy() {
        #expect(MFAPolicy.isRequired(for: [RoleGrant(role: .facilityAdmin, facilityID: Self.f1)], tenantRequires: []))
        #expect(!MFAPolicy.isRequired(for: [RoleGrant(role: .doctor, facilityID: Self.f1)], tenantRequires: []))
        #expect(MFAPolicy.isRequired(for: [RoleGrant(role: .doctor, facilityID: Self.f1)], tenantRequires: [.doctor]))
    }
}
