import Foundation

/// When an open plan step is reminded: at its times of day on the tenant's wall clock, on each
/// day from the day it was created for `durationDays` days, except days the patient already
/// checked in for it. Times are wall-clock times, so a reminder at 08:00 stays at 08:00 across
/// a daylight-saving change (`CalendarDay.instant(atMinute:in:)` resolves the gap and overlap).
public struct ReminderSchedule: Sendable, Equatable {
    public let firstDay: CalendarDay
    public let durationDays: Int
    public let clocks: [LocalClock]
    public let zone: TimeZone

    public init(firstDay: CalendarDay, durationDays: Int, clocks: [LocalClock], zone: TimeZone) {
        self.firstDay = firstDay
        self.durationDays = max(durationDays, 0)
        self.clocks = clocks.sorted()
        self.zone = zone
    }

    /// The schedule of a plan item created at `created`, in the tenant's zone and quiet hours.
    public init(item: PlanItem, created: Date, zone: TimeZone, quiet: QuietHours) {
        self.init(firstDay: CalendarDay(containing: created, in: zone), durationDays: item.durationDays,
                  clocks: ReminderTimes.clocks(timesPerDay: item.timesPerDay, timeOfDay: item.timeOfDay.flatMap(LocalClock.init),
                                               quiet: quiet),
                  zone: zone)
    }

    /// The last day with reminders.
    public var lastDay: CalendarDay {
        var day = firstDay
        for _ in 1..<max(durationDays, 1) { day = day.next }
        return day
    }

    public func contains(_ day: CalendarDay) -> Bool {
        durationDays > 0 && day >= firstDay && day <= lastDay
    }

    /// Every reminder instant of one day (empty outside the schedule).
    public func instants(on day: CalendarDay) -> [Date] {
        guard contains(day) else { return [] }
        return clocks.map { day.instant(atMinute: $0.minute, in: zone) }
    }

    /// The reminder to send at `now`, if any: the latest instant of today that is due, later
    /// than the step's creation and than the last one sent, on a day not checked in. A worker
    /// that was down sends today's latest missed reminder once, never yesterday's.
    public func due(at now: Date, created: Date, lastSent: Date?, checkedIn: Set<CalendarDay>) -> Date? {
        let today = CalendarDay(containing: now, in: zone)
        guard !checkedIn.contains(today) else { return nil }
        return instants(on: today).last { instant in
            instant <= now && instant >= created && (lastSent.map { instant > $0 } ?? true)
        }
    }

    /// The first reminder instant after `instant` (for the scheduler's next wake-up), ignoring
    /// check-ins (a check-in only suppresses the rest of its own day).
    public func next(after instant: Date) -> Date? {
        var day = max(CalendarDay(containing: instant, in: zone), firstDay)
        while contains(day) {
            if let hit = instants(on: day).first(where: { $0 > instant }) { return hit }
            day = day.next
        }
        return nil
    }
}
