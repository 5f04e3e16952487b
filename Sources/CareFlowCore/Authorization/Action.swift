/// Everything the API lets someone do, named for the policy table.
public enum Action: String, Sendable, CaseIterable, Codable {
    case tenantCreate = "tenant.create"
    case tenantList = "tenant.list"
    case tenantSuspend = "tenant.suspend"
    case facilityCreate = "facility.create"
    case facilityRead = "facility.read"
    case staffRead = "staff.read"
    case staffInvite = "staff.invite"
    case staffChangeRoles = "staff.change_roles"
    case staffDeactivate = "staff.deactivate"
    case staffResetMFA = "staff.reset_mfa"
    case auditRead = "audit.read"
    case profileRead = "profile.read"
}
