import CareFlowCore
import Vapor

/// One row of a doctor's weekly schedule, in the facility's wall-clock time.
struct AvailabilityWindowDTO: Content {
    let facilityID: UUID
    let weekday: Int
    let start: String
    let end: String
    let slotMinutes: Int

    enum CodingKeys: String, CodingKey {
        case weekday, start, end
        case facilityID = "facility_id"
        case slotMinutes = "slot_minutes"
    }
}

extension AvailabilityWindowDTO {
    init(_ row: DoctorAvailability) {
        facilityID = row.facilityID
        weekday = row.weekday
        start = AvailabilityWindow.clock(row.startMinute)
        end = AvailabilityWindow.clock(row.endMinute)
        slotMinutes = row.slotMinutes
    }
}

extension AvailabilityWindowDTO: SchemaSample {
    static var schemaSamples: [Self] { [AvailabilityWindowDTO(facilityID: UUID(), weekday: 1, start: "09:00", end: "17:00", slotMinutes: 30)] }
}
