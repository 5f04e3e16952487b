import CareFlowCore
import Vapor

struct FacilityDTO: Content {
    let id: UUID
    let code: String
    let name: String
    let timezone: String
    let active: Bool
    let createdAt: Date?

    init(_ f: Facility) {
        id = f.id!
        code = f.code
        name = f.name
        timezone = f.timezone
        active = f.active
        createdAt = f.createdAt
    }

    enum CodingKeys: String, CodingKey {
        case id, code, name, timezone, active
        case createdAt = "created_at"
    }
}
