import CareFlowCore
import Vapor

/// `GET /api/v1/facilities/{id}/coverage`: who is on shift in each hour of a day at the
/// facility. Hours are real hours in the facility's zone (23 or 25 on a clock-change day);
/// `local_start` carries the UTC offset, so the repeated hour of a fall-back day is told apart.
struct ShiftCoverageDTO: Content {
    let facilityID: UUID
    let date: String
    let timezone: String
    let hours: [Hour]

    struct Hour: Content {
        let startsAt: Date
        let endsAt: Date
        let localStart: String
        let onShift: [OnShift]

        enum CodingKeys: String, CodingKey {
            case startsAt = "starts_at"
            case endsAt = "ends_at"
            case localStart = "local_start"
            case onShift = "on_shift"
        }
    }

    struct OnShift: Content {
        let shiftID: UUID
        let userID: UUID
        let displayName: String?
        let role: String

        enum CodingKeys: String, CodingKey {
            case role
            case shiftID = "shift_id"
            case userID = "user_id"
            case displayName = "display_name"
        }
    }

    enum CodingKeys: String, CodingKey {
        case date, timezone, hours
        case facilityID = "facility_id"
    }
}

extension ShiftCoverageDTO {
    init(_ c: FacilityCoverage) {
        facilityID = c.facility.id!
        date = c.day.description
        timezone = NamedTimeZone(configured: c.facility.timezone).name
        let local = ISO8601DateFormatter()
        local.timeZone = c.timeZone
        local.formatOptions = [.withInternetDateTime]
        hours = c.hours.map { hour in
            Hour(startsAt: hour.start, endsAt: hour.end, localStart: local.string(from: hour.start),
                 onShift: hour.shifts.map {
                     OnShift(shiftID: $0.id!, userID: $0.userID, displayName: c.displayNames[$0.userID] ?? nil, role: $0.role.rawValue)
                 })
        }
    }
}

extension ShiftCoverageDTO: SchemaSample {
    static var schemaSamples: [Self] {
        [ShiftCoverageDTO(facilityID: UUID(), date: "2026-01-31", timezone: "Europe/Berlin", hours: [
            Hour(startsAt: Date(), endsAt: Date(), localStart: "2026-01-31T09:00:00+01:00",
                 onShift: [OnShift(shiftID: UUID(), userID: UUID(), displayName: "Nurse", role: "nurse")]),
        ])]
    }
    static var schemaNotes: [String: SchemaNote] { ["date": .format("date")] }
}
