import Foundation

/// Pure decision: may this principal perform this action on this target? No I/O, so the whole
/// policy is unit-tested as a table.
public enum AccessDecision {
    public static func isAllowed(_ principal: Principal, _ action: Action, on target: AccessTarget) -> Bool {
        principal.grants.contains { grant in
            guard let scope = AccessPolicy.scope(of: grant.role, for: action) else { return false }
            switch (scope, target) {
            case (.platform, .platform):
                return principal.kind == .platformAdmin
            case (.tenant, .tenant), (.tenant, .facility):
                return principal.tenantID != nil
            case (.facility, .facility(let facilityID)):
                return grant.facilityID == facilityID
            case (.self, .account(let accountID)):
                return accountID == principal.subjectID
            case (.tenant, .patient):
                return principal.tenantID != nil
            case (.facility, .patient(let patient)):
                return grant.facilityID.map { patient.facilityIDs.contains($0) } ?? false
            case (.careTeam, .patient(let patient)):
                return patient.doctorIDs.contains(principal.subjectID)
            case (.self, .patient(let patient)):
                return patient.userID == principal.subjectID
            default:
                return false
            }
        }
    }

    /// The facilities in which the principal may perform `action`, or nil for "all of the
    /// tenant's" (a tenant-wide grant).
    public static func facilities(for principal: Principal, _ action: Action) -> Set<UUID>? {
        var result = Set<UUID>()
        for grant in principal.grants {
            switch AccessPolicy.scope(of: grant.role, for: action) {
            case .tenant: return nil
            case .facility: if let f = grant.facilityID { result.insert(f) }
            default: break
            }
        }
        return result
    }
}
