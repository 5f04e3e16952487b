import CareFlowCore
import Vapor

struct FacilityDTO: Content {
    let id: UUID
    let code: String
    let name: String
    let timezone: String
    let address: String?
    let active: Bool
    let createdAt: Date?

    enum CodingKeys: String, CodingKey {
        case id, code, name, timezone, address, active
        case createdAt = "created_at"
    }
}

extension FacilityDTO {
    init(_ f: Facility) {
        id = f.id!
        code = f.code
        name = f.name
        timezone = f.timezone
        address = f.address
        active = f.active
        createdAt = f.createdAt
    }
}

extension FacilityDTO: SchemaSample {
    static var schemaSamples: [Self] {
        [FacilityDTO(id: UUID(), code: "CODE", name: "Clinic", timezone: "Europe/Berlin", address: "KN 4 Ave, Kigali", active: true, createdAt: Date())]
    }
}
