import Foundation

/// Wall-clock times at a place and the instants they name. Done by hand rather than through
/// `Calendar` so that the two awkward cases have one documented answer on every platform:
/// a time that occurs twice (clocks go back) means its first occurrence, and a time that does
/// not exist (clocks go forward) means the same distance past the jump, as a clock that was
/// not changed would have shown it (02:30 on a spring-forward day at 02:00 is 03:30).
extension CalendarDay {
    /// The instant the wall clock at `zone` shows `minute` minutes after this day's midnight.
    /// `minute` may be 1440 (the next midnight).
    public func instant(atMinute minute: Int, in zone: TimeZone) -> Date {
        let naive = naiveMidnight + minute * 60
        // The offsets in force a day either side cover any single transition near this time.
        let before = zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(naive - 86_400)))
        let after = zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(naive + 86_400)))
        let valid = Set([before, after]).compactMap { offset -> Date? in
            let candidate = Date(timeIntervalSince1970: TimeInterval(naive - offset))
            return zone.secondsFromGMT(for: candidate) == offset ? candidate : nil
        }
        if let first = valid.min() { return first }
        return Date(timeIntervalSince1970: TimeInterval(naive - before))
    }

    /// The instants this day covers at `zone`: from its first moment to the next day's (23, 24
    /// or 25 hours long).
    public func interval(in zone: TimeZone) -> DateInterval {
        DateInterval(start: instant(atMinute: 0, in: zone), end: next.instant(atMinute: 0, in: zone))
    }

    /// The day the wall clock at `zone` shows at `instant`.
    public init(containing instant: Date, in zone: TimeZone) {
        let local = Int(instant.timeIntervalSince1970.rounded(.down)) + zone.secondsFromGMT(for: instant)
        self = CalendarDay.civil(fromDays: Int((Double(local) / 86_400).rounded(.down)))
    }

    /// "HH:mm" of `instant` on the wall clock at `zone`.
    public static func wallClock(_ instant: Date, in zone: TimeZone) -> String {
        let local = Int(instant.timeIntervalSince1970.rounded(.down)) + zone.secondsFromGMT(for: instant)
        let minuteOfDay = ((local % 86_400) + 86_400) % 86_400 / 60
        return String(format: "%02d:%02d", minuteOfDay / 60, minuteOfDay % 60)
    }
}
