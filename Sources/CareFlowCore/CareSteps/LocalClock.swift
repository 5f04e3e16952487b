import Foundation

/// A time of day on a wall clock, "HH:MM" (24-hour), without a date or zone.
public struct LocalClock: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Minutes after midnight, 0…1439.
    public let minute: Int

    public init?(minute: Int) {
        guard (0..<1440).contains(minute) else { return nil }
        self.minute = minute
    }

    public init?(hour: Int, minute: Int) {
        guard (0..<24).contains(hour), (0..<60).contains(minute) else { return nil }
        self.minute = hour * 60 + minute
    }

    /// Exactly "HH:MM", 00:00…23:59.
    public init?(_ text: String) {
        guard let minute = AvailabilityWindow.minute(ofClock: text), minute < 1440 else { return nil }
        self.minute = minute
    }

    public var description: String {
        let h = minute / 60, m = minute % 60
        return (h < 10 ? "0" : "") + String(h) + ":" + (m < 10 ? "0" : "") + String(m)
    }

    public static func < (a: LocalClock, b: LocalClock) -> Bool { a.minute < b.minute }
}
