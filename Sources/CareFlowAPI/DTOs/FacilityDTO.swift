import CareFlowCore
import Vapor

struct FacilityDTO: Content {
    let id: UUID
    let code: String
    let name: String
    let timezone: String
    let active: Bool
    let createdAt: Date?

    enum CodingKeys: String, CodingKey {
        case id, code, name, timezone, active
        case createdAt = "created_at"
    }
}

extension FacilityDTO {
    init(_ f: Facility) {
        id = f.id!
        code = f.code
        name = f.name
        timezone = f.timezone
        active = f.active
        createdAt = f.createdAt
    }
}

extension FacilityDTO: SchemaSample {
    static var schemaSamples: [Self] {
        [FacilityDTO(id: UUID(), code: "CODE", name: "Clinic", timezone: "Europe/Berlin", active: true, createdAt: Date())]
    }
}
