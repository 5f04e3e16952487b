import Foundation

extension FieldReader {
    /// An RFC 3339 timestamp with an explicit offset (`2026-03-09T15:00:00Z`,
    /// `2026-03-09T09:00:00-06:00`). Fractional seconds are accepted and dropped: scheduling
    /// works in whole seconds.
    public mutating func timestamp(_ key: String, required: Bool = true) -> Date? {
        defer { refine(key, ["format": .string("date-time")]) }
        guard let text = string(key, required: required, maxLength: 40) else { return nil }
        guard let date = Self.parseTimestamp(text) else {
            fail(key, "must be an RFC 3339 timestamp with a time zone offset, such as 2026-03-09T15:00:00Z")
            return nil
        }
        return date
    }

    /// A civil date `YYYY-MM-DD`.
    public mutating func calendarDay(_ key: String, required: Bool = true) -> CalendarDay? {
        defer { refine(key, ["format": .string("date")]) }
        guard let text = string(key, required: required, maxLength: 10) else { return nil }
        guard let day = CalendarDay(text) else {
            fail(key, "must be a date YYYY-MM-DD")
            return nil
        }
        return day
    }

    /// A wall-clock time `HH:mm` (`24:00` is the end of the day), as minutes after midnight.
    public mutating func clockMinute(_ key: String, required: Bool = true) -> Int? {
        defer { refine(key, ["pattern": .string(#"^\d{2}:\d{2}$"#)]) }
        guard let text = string(key, required: required, maxLength: 5) else { return nil }
        guard let minute = AvailabilityWindow.minute(ofClock: text) else {
            fail(key, "must be a time HH:mm between 00:00 and 24:00")
            return nil
        }
        return minute
    }

    public static func parseTimestamp(_ text: String) -> Date? {
        let plain = ISO8601DateFormatter()
        plain.formatOptions = [.withInternetDateTime]
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        guard let date = plain.date(from: text) ?? fractional.date(from: text) else { return nil }
        return Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down))
    }
}
