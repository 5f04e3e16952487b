import FluentKit
import Foundation

/// One role a user holds: tenant-wide (`group_admin`), at one facility (staff roles), or for
/// themself (`patient`).
public final class RoleAssignment: Model, TenantOwned, @unchecked Sendable {
    public static let schema = "role_assignments"
    public static var tenantIDField: KeyPath<RoleAssignment, FieldProperty<RoleAssignment, UUID>> { \.$tenantID }

    @ID(key: .id) public var id: UUID?
    @Field(key: "tenant_id") public var tenantID: UUID
    @Field(key: "user_id") public var userID: UUID
    @Field(key: "role") public var role: Role
    @OptionalField(key: "facility_id") public var facilityID: UUID?
    @OptionalField(key: "granted_by") public var grantedBy: UUID?
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?

    public init() {}

    public init(tenantID: UUID, userID: UUID, role: Role, facilityID: UUID?, grantedBy: UUID?) {
        self.tenantID = tenantID
        self.userID = userID
        self.role = role
        self.facilityID = facilityID
        self.grantedBy = grantedBy
    }

    public var grant: RoleGrant { RoleGrant(role: role, facilityID: facilityID) }
}
