import CareFlowCore
import Vapor

struct ShiftDTO: Content {
    let id: UUID
    let userID: UUID
    let facilityID: UUID
    let role: String
    let startsAt: Date
    let endsAt: Date

    enum CodingKeys: String, CodingKey {
        case id, role
        case userID = "user_id"
        case facilityID = "facility_id"
        case startsAt = "starts_at"
        case endsAt = "ends_at"
    }
}

extension ShiftDTO {
    init(_ s: Shift) {
        id = s.id!
        userID = s.userID
        facilityID = s.facilityID
        role = s.role.rawValue
        startsAt = s.startsAt
        endsAt = s.endsAt
    }
}

extension ShiftDTO: SchemaSample {
    static var schemaSamples: [Self] { [ShiftDTO(id: UUID(), userID: UUID(), facilityID: UUID(), role: "nurse", startsAt: Date(), endsAt: Date())] }
}
