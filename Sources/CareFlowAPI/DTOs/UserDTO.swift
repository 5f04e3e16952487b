import CareFlowCore
import Vapor

/// A user without any credential material.
struct UserSummaryDTO: Content {
    let id: UUID
    let email: String
    let displayName: String?
    let status: String

    init(id: UUID, email: String, displayName: String?, status: String) {
        self.id = id
        self.email = email
        self.displayName = displayName
        self.status = status
    }

    init(_ p: UserProfile) {
        id = p.id
        email = p.email
        displayName = p.displayName
        status = p.user.status.rawValue
    }

    enum CodingKeys: String, CodingKey {
        case id, email, status
        case displayName = "display_name"
    }
}

struct StaffMemberDTO: Content {
    let id: UUID
    let email: String
    let displayName: String?
    let status: String
    let roles: [String]

    init(_ m: StaffMember) {
        id = m.profile.id
        email = m.profile.email
        displayName = m.profile.displayName
        status = m.user.status.rawValue
        roles = m.roles.map(\.rawValue)
    }

    enum CodingKeys: String, CodingKey {
        case id, email, status, roles
        case displayName = "display_name"
    }
}

struct RoleGrantDTO: Content {
    let role: String
    let facilityID: UUID?

    init(_ g: RoleGrant) {
        role = g.role.rawValue
        facilityID = g.facilityID
    }

    enum CodingKeys: String, CodingKey {
        case role
        case facilityID = "facility_id"
    }
}

/// `GET /api/v1/me`.
struct MeDTO: Content {
    let id: UUID
    let kind: String
    let tenantID: UUID?
    let email: String
    let displayName: String?
    let roles: [RoleGrantDTO]
    let amr: [String]
    /// The account holder's own settings (tenant accounts only).
    var phone: String? = nil
    var locale: String? = nil
    var notificationChannels: [String]? = nil

    enum CodingKeys: String, CodingKey {
        case id, kind, email, roles, amr, phone, locale
        case tenantID = "tenant_id"
        case displayName = "display_name"
        case notificationChannels = "notification_channels"
    }
}
