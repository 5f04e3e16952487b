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

    /// May the principal manage someone because of this role they hold? Yes when the principal
    /// could grant that role: at the facility being managed (`from`), or — for account-wide
    /// changes (`everywhere`) — at the facility where the role is held. Tenant-wide roles
    /// (`group_admin`) are never grantable, so never manageable; `patient` is a person's own
    /// record, not a power over others, and never stands in the way.
    public static func mayManage(holder grant: RoleGrant, by principal: Principal, from facilityID: UUID, everywhere: Bool) -> Bool {
        if grant.role == .patient { return true }
        guard let heldAt = grant.facilityID else { return false }
        return grantableRoles(by: principal, at: everywhere ? heldAt : facilityID).contains(grant.role)
    }

    /// The roles of `requested` the principal may not grant at the facility.
    public static func refused(_ requested: [Role], by principal: Principal, at facilityID: UUID) -> [Role] {
        let allowed = grantableRoles(by: principal, at: facilityID)
        return requested.filter { !allowed.contains($0) }
    }
}
