import Foundation

/// A user as seen from one facility: their account and the roles they hold there.
public struct StaffMember: Sendable {
    public let profile: UserProfile
    public let roles: [Role]
    public var user: User { profile.user }
}
