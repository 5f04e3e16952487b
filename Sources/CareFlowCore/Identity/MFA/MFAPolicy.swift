/// Who must use TOTP: every platform, group and facility admin (PRODUCT §2), plus the roles a
/// tenant lists in `mfa_required_for`.
public enum MFAPolicy {
    public static func isRequired(for grants: [RoleGrant], tenantRequires: [Role]) -> Bool {
        grants.contains { $0.role.requiresMFA || tenantRequires.contains($0.role) }
    }
}
