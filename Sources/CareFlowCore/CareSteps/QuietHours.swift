import Foundation

/// The part of the day no reminder is sent in, on the tenant's wall clock (tenant file
/// `reminders.quiet_hours`, default 21:00–07:00). `start == end` means no quiet hours.
public struct QuietHours: Sendable, Equatable {
    public let start: LocalClock
    public let end: LocalClock

    public init(start: LocalClock, end: LocalClock) {
        self.start = start
        self.end = end
    }

    public static let standard = QuietHours(start: LocalClock(hour: 21, minute: 0)!, end: LocalClock(hour: 7, minute: 0)!)

    public func contains(_ clock: LocalClock) -> Bool {
        if start == end { return false }
        if start < end { return clock >= start && clock < end }
        return clock >= start || clock < end // wraps midnight
    }

    /// A time inside quiet hours moves to the nearest allowed minute of the same day: the end
    /// of quiet hours in the morning, the minute before they start in the evening — never to
    /// another day, so "once a day" stays once on that day.
    public func allowed(_ clock: LocalClock) -> LocalClock {
        guard contains(clock) else { return clock }
        let beforeStart = LocalClock(minute: (start.minute + 1439) % 1440)!
        if start > end { return clock >= start ? beforeStart : end }
        return clock.minute - start.minute < end.minute - clock.minute ? beforeStart : end
    }
}
