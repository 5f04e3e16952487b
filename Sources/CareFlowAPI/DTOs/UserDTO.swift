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

    enum CodingKeys: String, CodingKey {
        case id, email, status
        case displayName = "display_name"
    }
}

extension UserSummaryDTO {
    init(_ p: UserProfile) {
        id = p.id
        email = p.email
        displayName = p.displayName
        status = p.user.status.rawValue
    }
}

struct StaffMemberDTO: Content {
    let id: UUID
    let email: String
    let displayName: String?
    let status: String
    let roles: [String]

    enum CodingKeys: String, CodingKey {
        case id, email, status, roles
        case displayName = "display_name"
    }
}

extension StaffMemberDTO {
    init(_ m: StaffMember) {
        id = m.profile.id
        email = m.profile.email
        displayName = m.profile.displayName
        status = m.user.status.rawValue
        roles = m.roles.map(\.rawValue)
    }
}

struct RoleGrantDTO: Content {
    let role: String
    let facilityID: UUID?

    enum CodingKeys: String, CodingKey {
        case role
        case facilityID = "facility_id"
    }
}

extension RoleGrantDTO {
    init(_ g: RoleGrant) {
        role = g.role.rawValue
        facilityID = g.facilityID
    }
}

/// `GET /api/v1/me`.
struct MeDTO: JSONContent {
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

extension UserSummaryDTO: SchemaSample {
    static var schemaSamples: [Self] { [UserSummaryDTO(id: UUID(), email: "a@example.org", displayName: "Ada", status: "active")] }
}

extension StaffMemberDTO: SchemaSample {
    static var schemaSamples: [Self] {
        [StaffMemberDTO(id: UUID(), email: "a@example.org", displayName: "Ada", status: "active", roles: [Role.nurse.rawValue])]
    }
    static var schemaNotes: [String: SchemaNote] { ["roles": .values(of: Role.self)] }
}

extension RoleGrantDTO: SchemaSample {
    static var schemaSamples: [Self] { [RoleGrantDTO(role: Role.nurse.rawValue, facilityID: UUID())] }
    static var schemaNotes: [String: SchemaNote] { ["role": .values(of: Role.self)] }
}

extension MeDTO: SchemaSample {
    static var schemaSamples: [Self] {
        [MeDTO(id: UUID(), kind: "tenant", tenantID: UUID(), email: "a@example.org", displayName: "Ada", roles: RoleGrantDTO.schemaSamples,
               amr: ["pwd"], phone: "+1", locale: "en", notificationChannels: [NotificationChannel.allCases[0].rawValue])]
    }
    static var schemaNotes: [String: SchemaNote] { ["notification_channels": .values(of: NotificationChannel.self)] }
}
