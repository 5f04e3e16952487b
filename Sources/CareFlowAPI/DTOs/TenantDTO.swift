import CareFlowCore
import Vapor

struct TenantDTO: Content {
    let id: UUID
    let slug: String
    let name: String
    let status: String
    let createdAt: Date?

    init(_ t: Tenant) {
        id = t.id!
        slug = t.slug
        name = t.name
        status = t.status.rawValue
        createdAt = t.createdAt
    }

    enum CodingKeys: String, CodingKey {
        case id, slug, name, status
        case createdAt = "created_at"
    }
}

struct OnboardedTenantDTO: Content {
    let tenant: TenantDTO
    let groupAdmin: UserSummaryDTO
    let invitationSent: Bool
    let facilities: [FacilityDTO]

    enum CodingKeys: String, CodingKey {
        case tenant, facilities
        case groupAdmin = "group_admin"
        case invitationSent = "invitation_sent"
    }
}
