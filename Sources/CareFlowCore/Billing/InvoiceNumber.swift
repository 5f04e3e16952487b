import Foundation

/// `INV-<facility code>-<year>-<seq>`: the year is that of `issued_at` on the facility's wall
/// clock (an invoice issued on New Year's Eve evening in Kigali belongs to the old year there),
/// and `seq` is the facility's running number for that year from `invoice_sequences`, zero-padded
/// to six digits (`INV-KGL-2026-000042`; a seventh digit appears past 999 999).
public enum InvoiceNumber {
    public static func format(facilityCode: String, year: Int, sequence: Int) -> String {
        let digits = String(sequence)
        return "INV-\(facilityCode)-\(year)-" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
    }

    public static func year(of instant: Date, in zone: TimeZone) -> Int {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar.component(.year, from: instant)
    }
}
