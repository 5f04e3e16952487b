import CareFlowCore
import Vapor

/// A free slot: instants in UTC plus the wall-clock start at the facility.
struct AvailabilitySlotDTO: Content {
    let facilityID: UUID
    let startsAt: Date
    let endsAt: Date
    let localTime: String

    enum CodingKeys: String, CodingKey {
        case facilityID = "facility_id"
        case startsAt = "starts_at"
        case endsAt = "ends_at"
        case localTime = "local_time"
    }
}

extension AvailabilitySlotDTO {
    init(_ s: FacilitySlot) {
        facilityID = s.facilityID
        startsAt = s.slot.start
        endsAt = s.slot.end
        localTime = CalendarDay.wallClock(s.slot.start, in: s.timeZone)
    }
}

extension AvailabilitySlotDTO: SchemaSample {
    static var schemaSamples: [Self] { [AvailabilitySlotDTO(facilityID: UUID(), startsAt: Date(), endsAt: Date(), localTime: "09:00")] }
}
