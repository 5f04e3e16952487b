import CareFlowCore
import Vapor

struct TenantDTO: Content {
    let id: UUID
    let slug: String
    let name: String
    let status: String
    let createdAt: Date?

    enum CodingKeys: String, CodingKey {
        case id, slug, name, status
        case createdAt = "created_at"
    }
}

extension TenantDTO {
    init(_ t: Tenant) {
        id = t.id!
        slug = t.slug
        name = t.name
        status = t.status.rawValue
        createdAt = t.createdAt
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

extension TenantDTO: SchemaSample {
    static var schemaSamples: [Self] { [TenantDTO(id: UUID(), slug: "acme", name: "Acme", status: "active", createdAt: Date())] }
    // Tenant.Status is not CaseIterable.
    static var schemaNotes: [String: SchemaNote] { ["status": .values(["active", "suspended"])] }
}

extension OnboardedTenantDTO: SchemaSample {
    static var schemaSamples: [Self] {
        [OnboardedTenantDTO(tenant: TenantDTO.schemaSamples[0], groupAdmin: UserSummaryDTO.schemaSamples[0], invitationSent: true,
                            facilities: FacilityDTO.schemaSamples)]
    }
}
