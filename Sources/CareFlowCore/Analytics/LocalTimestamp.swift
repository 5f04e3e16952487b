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
        var bytes: [UInt8] = []
        bytes.reserveCapacity(25)
        write(date, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The same text as `string(from:)`, appended as UTF-8 bytes: what a JSON body or a CSV
    /// row is made of, without a `String` per timestamp (730 of them in a year by day).
    public func write(_ date: Date, to bytes: inout [UInt8]) {
        let milliseconds = (date.timeIntervalSince1970 * 1_000).rounded()
        let whole = Int((milliseconds / 1_000).rounded(.down))
        let offset = timeZone.secondsFromGMT(for: date)
        let local = whole + offset
        let days = Int((Double(local) / 86_400).rounded(.down))
        let secondOfDay = local - days * 86_400
        let (year, month, day) = CalendarDay.civilComponents(fromDays: days)
        Self.append(year, width: 4, to: &bytes)
        bytes.append(UInt8(ascii: "-"))
        Self.append(month, width: 2, to: &bytes)
        bytes.append(UInt8(ascii: "-"))
        Self.append(day, width: 2, to: &bytes)
        bytes.append(UInt8(ascii: "T"))
        Self.append(secondOfDay / 3_600, width: 2, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        Self.append(secondOfDay / 60 % 60, width: 2, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        Self.append(secondOfDay % 60, width: 2, to: &bytes)
        if offset == 0 { return bytes.append(UInt8(ascii: "Z")) }
        let magnitude = abs(offset)
        bytes.append(offset < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
        Self.append(magnitude / 3_600, width: 2, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        Self.append(magnitude / 60 % 60, width: 2, to: &bytes)
        // Historical local mean times are not whole minutes; the formatter then writes the seconds.
        if magnitude % 60 != 0 {
            bytes.append(UInt8(ascii: ":"))
            Self.append(magnitude % 60, width: 2, to: &bytes)
        }
    }

    /// `value` in decimal, zero-padded to `width` digits (a negative year keeps its sign first).
    private static func append(_ value: Int, width: Int, to bytes: inout [UInt8]) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[19 - count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            } while magnitude > 0
            for _ in count..<max(width, count) { bytes.append(UInt8(ascii: "0")) }
            bytes.append(contentsOf: buffer[(20 - count)...])
        }
    }
}
