import Foundation

/// RFC 3339 UTC timestamps with second precision (`2026-11-30T16:05:09Z`) for export cells,
/// written digit by digit: a million-row export formats millions of them, and a formatter
/// object per cell (or `ISO8601Format()`) costs several times more than the rest of the row.
public enum ExportTimestamp {
    public static func format(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        var out = [UInt8]()
        out.reserveCapacity(20)
        func digits(_ value: Int32, _ count: Int) {
            var v = Int(value)
            var chars = [UInt8](repeating: UInt8(ascii: "0"), count: count)
            for i in stride(from: count - 1, through: 0, by: -1) {
                chars[i] = UInt8(ascii: "0") + UInt8(v % 10)
                v /= 10
            }
            out += chars
        }
        digits(parts.tm_year + 1900, 4); out.append(UInt8(ascii: "-"))
        digits(parts.tm_mon + 1, 2); out.append(UInt8(ascii: "-"))
        digits(parts.tm_mday, 2); out.append(UInt8(ascii: "T"))
        digits(parts.tm_hour, 2); out.append(UInt8(ascii: ":"))
        digits(parts.tm_min, 2); out.append(UInt8(ascii: ":"))
        digits(parts.tm_sec, 2); out.append(UInt8(ascii: "Z"))
        return String(decoding: out, as: UTF8.self)
    }

    public static func cell(_ date: Date?) -> CSVCell {
        date.map { .text(format($0)) } ?? .empty
    }
}
