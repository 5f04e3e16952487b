import Foundation

/// A role together with the facility it applies to (nil for tenant-wide, platform and self roles).
/// This is what access tokens carry in their `roles` claim.
public struct RoleGrant: Sendable, Hashable, Codable {
    public let role: Role
    public let facilityID: UUID?

    public init(role: Role, facilityID: UUID? = nil) {
        self.role = role
        self.facilityID = facilityID
    }

    enum CodingKeys: String, CodingKey {
        case role
        case facilityID = "facility_id"
    }
}
