import CareFlowCore
import Vapor

/// Time a doctor is away; `facility_id` null means at every facility.
struct AvailabilityExceptionDTO: Content {
    let id: UUID
    let doctorID: UUID
    let facilityID: UUID?
    let startsAt: Date
    let endsAt: Date
    let reason: String

    enum CodingKeys: String, CodingKey {
        case id, reason
        case doctorID = "doctor_id"
        case facilityID = "facility_id"
        case startsAt = "starts_at"
        case endsAt = "ends_at"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(doctorID, forKey: .doctorID)
        try c.encode(facilityID, forKey: .facilityID)
        try c.encode(startsAt, forKey: .startsAt)
        try c.encode(endsAt, forKey: .endsAt)
        try c.encode(reason, forKey: .reason)
    }
}

extension AvailabilityExceptionDTO {
    init(_ e: AvailabilityException) {
        id = e.id!
        doctorID = e.doctorID
        facilityID = e.facilityID
        startsAt = e.startsAt
        endsAt = e.endsAt
        reason = e.reason.rawValue
    }
}

extension AvailabilityExceptionDTO: SchemaSample {
    static var schemaSamples: [Self] {
        [AvailabilityExceptionDTO(id: UUID(), doctorID: UUID(), facilityID: UUID(), startsAt: Date(), endsAt: Date(), reason: "leave")]
    }
}
