import Foundation

/// Who is on shift in each hour of a facility's day. Pure: hours are real hours from the day's
/// first moment in the facility's zone, so the day clocks go forward has 23 and the day they
/// go back 25 (its 01:00 hour appears twice, with different UTC offsets).
public enum ShiftCoverage {
    public struct Hour: Sendable {
        public let start: Date
        public let end: Date
        /// The shifts overlapping this hour, earliest start first.
        public let shifts: [Shift]
    }

    public static func hours(of day: CalendarDay, in zone: TimeZone, shifts: [Shift]) -> [Hour] {
        let span = day.interval(in: zone)
        let ordered = shifts.sorted { ($0.startsAt, $0.userID.uuidString) < ($1.startsAt, $1.userID.uuidString) }
        var hours: [Hour] = []
        var start = span.start
        while start < span.end {
            let end = min(start.addingTimeInterval(3600), span.end)
            hours.append(Hour(start: start, end: end, shifts: ordered.filter { $0.startsAt < end && start < $0.endsAt }))
            start = end
        }
        return hours
    }
}
