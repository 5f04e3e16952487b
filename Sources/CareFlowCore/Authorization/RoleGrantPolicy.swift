import Foundation

/// Which roles an administrator may hand out, and where. Closes the escalation paths:
/// nobody grants `group_admin`, `platform_admin` or `patient` through staff management, a
/// facility admin never grants outside their facility nor another admin role, and a group
/// admin acts only inside their tenant.
public enum RoleGrantPolicy {
    /// Roles a facility admin may grant at the facility they administer.
    public static let facilityAdminGrantable: Set<Role> = [.doctor, .nurse, .receptionist, .billing]
    /// Roles a group admin may grant at any facility of their tenant.
    public static let groupAdminGrantable: Set<Role> = facilityAdminGrantable.union([.facilityAdmin])

    public static func grantableRoles(by principal: Principal, at facilityID: UUID) -> Set<Role> {
        if principal.holds(.groupAdmin) { return groupAdminGrantable }
        if principal.holds(.facilityAdmin, at: facilityID) { return facilityAdminGrantable }
        return []
    }

    /// The roles of `requested` the principal may not grant at the facility.
    public static func refused(_ requested: [Role], by principal: Principal, at facilityID: UUID) -> [Role] {
        let allowed = grantableRoles(by: principal, at: facilityID)
        return requested.filter { !allowed.contains($0) }
    }
}
