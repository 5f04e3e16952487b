import Foundation

/// A bookable stretch of a doctor's time.
public struct Slot: Sendable, Hashable {
    public let start: Date
    public let end: Date

    public init(start: Date, end: Date) {
        self.start = start
        self.end = end
    }

    func overlaps(_ interval: DateInterval) -> Bool {
        start < interval.end && interval.start < end
    }
}

/// The free slots of one doctor on one day at one facility. Pure: the caller loads the weekly
/// windows, the blocked intervals (live appointments anywhere, leave and holidays) and the
/// facility's zone.
///
/// A window is laid on the day by its wall-clock ends in the facility's zone and cut into slots
/// of real time from its start. On the day clocks go forward, 01:00–04:00 is two real hours
/// (the 02:00 hour does not exist); on the day they go back, four — the doctor is there for as
/// long as the wall clock says, and each slot is a real `slot_minutes` long.
public enum SlotCalculator {
    public static func slots(on day: CalendarDay, in zone: TimeZone, windows: [AvailabilityWindow], blocked: [DateInterval],
                             notBefore: Date? = nil) -> [Slot] {
        var result = Set<Slot>()
        for window in windows where window.weekday == day.isoWeekday {
            let start = day.instant(atMinute: window.startMinute, in: zone)
            let end = day.instant(atMinute: window.endMinute, in: zone)
            let length = TimeInterval(window.slotMinutes * 60)
            var cursor = start
            while cursor.addingTimeInterval(length) <= end {
                let slot = Slot(start: cursor, end: cursor.addingTimeInterval(length))
                cursor = slot.end
                if let notBefore, slot.start < notBefore { continue }
                if blocked.contains(where: slot.overlaps) { continue }
                result.insert(slot)
            }
        }
        return result.sorted { $0.start < $1.start }
    }
}
