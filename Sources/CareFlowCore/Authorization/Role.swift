/// A role a user holds. Every role but the platform and tenant-wide ones is scoped to a facility
/// (or to the patient themself); see `Role.scope`.
public enum Role: String, Sendable, Codable, CaseIterable {
    case platformAdmin = "platform_admin"
    case groupAdmin = "group_admin"
    case facilityAdmin = "facility_admin"
    case doctor
    case nurse
    case receptionist
    case billing
    case patient
}

/// Where a role applies.
public enum RoleScope: String, Sendable, Codable {
    case platform, tenant, facility, `self`
}

extension Role {
    public var scope: RoleScope {
        switch self {
        case .platformAdmin: .platform
        case .groupAdmin: .tenant
        case .facilityAdmin, .doctor, .nurse, .receptionist, .billing: .facility
        case .patient: .self
        }
    }

    /// Roles for which TOTP is mandatory whatever the tenant says (PRODUCT §2).
    public var requiresMFA: Bool {
        switch self {
        case .platformAdmin, .groupAdmin, .facilityAdmin: true
        default: false
        }
    }
}
