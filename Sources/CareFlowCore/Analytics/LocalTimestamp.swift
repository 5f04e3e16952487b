import Foundation

/// RFC 3339 timestamps in a zone's offset at that instant (`2026-03-29T03:00:00+02:00`), as
/// `ISO8601DateFormatter` with `.withInternetDateTime` writes them, without it: on Linux the
/// formatter builds a CoreFoundation object per instance and formats through ICU, ~7.5 % of an
/// analytics answer of twelve buckets (benchmarks/PROFILE.md, session 14); a year by day has 730
/// bounds. The zone gives the offset; the civil date is arithmetic (`CalendarDay`'s
/// `civil_from_days`). `LocalTimestampTests` compares it
/// with the formatter across zones, clock changes and centuries.
public struct LocalTimestamp: Sendable {
    public let timeZone: TimeZone

    public init(timeZone: TimeZone) {
        self.timeZone = timeZone
    }

    /// Whole seconds, the zone's offset, `Z` for zero. As the formatter (ICU counts milliseconds):
    /// the instant is rounded to the millisecond, then the fraction of a second dropped.
    public func string(from date: Date) -> String {
        let milliseconds = (date.timeIntervalSince1970 * 1_000).rounded()
        let whole = Int((milliseconds / 1_000).rounded(.down))
        let offset = timeZone.secondsFromGMT(for: date)
        let local = whole + offset
        let days = Int((Double(local) / 86_400).rounded(.down))
        let secondOfDay = local - days * 86_400
        let (year, month, day) = CalendarDay.civilComponents(fromDays: days)
        var text = ""
        text.reserveCapacity(25)
        Self.append(year, width: 4, to: &text)
        text += "-"
        Self.append(month, width: 2, to: &text)
        text += "-"
        Self.append(day, width: 2, to: &text)
        text += "T"
        Self.append(secondOfDay / 3_600, width: 2, to: &text)
        text += ":"
        Self.append(secondOfDay / 60 % 60, width: 2, to: &text)
        text += ":"
        Self.append(secondOfDay % 60, width: 2, to: &text)
        if offset == 0 { return text + "Z" }
        let magnitude = abs(offset)
        text += offset < 0 ? "-" : "+"
        Self.append(magnitude / 3_600, width: 2, to: &text)
        text += ":"
        Self.append(magnitude / 60 % 60, width: 2, to: &text)
        // Historical local mean times are not whole minutes; the formatter then writes the seconds.
        if magnitude % 60 != 0 {
            text += ":"
            Self.append(magnitude % 60, width: 2, to: &text)
        }
        return text
    }

    private static func append(_ value: Int, width: Int, to text: inout String) {
        let digits = String(value)
        if digits.count < width { text += String(repeating: "0", count: width - digits.count) }
        text += digits
    }
}
