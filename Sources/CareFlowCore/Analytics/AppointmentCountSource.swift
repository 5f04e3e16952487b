import Foundation

/// Where the `appointments` and `no_show_rate` metrics count from. The hourly counts
/// (`appointment_hour_counts`, kept by database triggers) answer a year in milliseconds but can
/// only split on whole UTC hours; the appointments themselves answer any boundary, reading one
/// index entry per appointment. Both give the same numbers wherever both apply.
public enum AppointmentCountSource: Sendable, Equatable {
    /// The hourly counts whenever every bucket boundary is a whole UTC hour (every zone whose
    /// offsets are whole hours, clock changes included); the appointments otherwise (e.g.
    /// Asia/Kolkata, +05:30).
    case automatic
    /// Always the appointments (for occupancy, the admissions rather than the hourly sums of
    /// migration 050): to check the hourly tables against, or to bypass them.
    case appointments

    /// Whether the hourly counts answer these buckets.
    func usesHourCounts(_ buckets: [DateInterval]) -> Bool {
        self == .automatic && Self.onWholeHours(buckets)
    }

    /// Every start and end a whole number of hours since 1970 (exactly: the instants are
    /// civil midnights, whole seconds).
    static func onWholeHours(_ buckets: [DateInterval]) -> Bool {
        buckets.allSatisfy { isWholeHour($0.start) && isWholeHour($0.end) }
    }

    private static func isWholeHour(_ date: Date) -> Bool {
        let seconds = date.timeIntervalSince1970
        return seconds == seconds.rounded(.down) && seconds.truncatingRemainder(dividingBy: 3_600) == 0
    }
}
