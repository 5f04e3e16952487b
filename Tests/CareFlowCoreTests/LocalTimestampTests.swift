@testable import CareFlowCore
import Foundation
import Testing

/// `LocalTimestamp` against Foundation's `ISO8601DateFormatter` (`.withInternetDateTime`), the
/// formatter it replaces on the analytics path: the same text for every instant tried.
@Suite("RFC 3339 timestamps in a zone's offset")
struct LocalTimestampTests {
    static let zones = ["UTC", "Africa/Kigali", "Europe/Berlin", "Europe/London", "America/New_York", "America/St_Johns",
                        "Asia/Kolkata", "Asia/Kathmandu", "Australia/Lord_Howe", "Pacific/Chatham", "Pacific/Kiritimati",
                        "America/Sao_Paulo", "Africa/Monrovia"]

    static func foundation(_ date: Date, _ zone: TimeZone) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = zone
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    @Test("the same text as ISO8601DateFormatter in thirteen zones, 1970-2100, fractions of a second included")
    func matchesFoundation() throws {
        var generator = SystemRandomNumberGenerator()
        for name in Self.zones {
            let zone = try #require(TimeZone(identifier: name))
            let ours = LocalTimestamp(timeZone: zone)
            for _ in 0..<400 {
                let seconds = Double.random(in: 0..<4_102_444_800, using: &generator)  // 1970 … 2100
                let date = Date(timeIntervalSince1970: seconds)
                #expect(ours.string(from: date) == Self.foundation(date, zone), "\(name) \(seconds)")
            }
        }
    }

    @Test("around clock changes, day, month and year ends, leap days, before 1970, fractions that round to the next second")
    func edges() throws {
        let instants: [Double] = [
            0, -1, -86_400, -0.5, 951_782_400, 951_868_799.999, 1_709_164_800,  // 1970, 1969, 2000-02-29, 2024-02-29
            1_711_846_800, 1_711_846_799, 1_711_850_400,  // around 2024-03-31 01:00 UTC (EU spring)
            1_729_990_800, 1_729_987_200, 1_729_994_400,  // around 2024-10-27 01:00 UTC (EU autumn)
            1_767_225_599, 1_767_225_600,  // 2025-12-31T23:59:59Z, 2026-01-01T00:00:00Z
            -2_208_988_800, -631_152_000,  // 1900-01-01, 1950-01-01
            1_269_478_505.9996, 1_269_478_505.9994, 1_269_478_505.0004, -0.0004, -0.0006,  // the millisecond rounding
        ]
        for name in Self.zones {
            let zone = try #require(TimeZone(identifier: name))
            let ours = LocalTimestamp(timeZone: zone)
            for seconds in instants {
                let date = Date(timeIntervalSince1970: seconds)
                #expect(ours.string(from: date) == Self.foundation(date, zone), "\(name) \(seconds)")
            }
        }
        // Written out by hand, independent of any formatter.
        let berlin = LocalTimestamp(timeZone: TimeZone(identifier: "Europe/Berlin")!)
        #expect(berlin.string(from: Date(timeIntervalSince1970: 1_711_846_800)) == "2024-03-31T03:00:00+02:00")
        #expect(berlin.string(from: Date(timeIntervalSince1970: 1_711_846_799)) == "2024-03-31T01:59:59+01:00")
        #expect(LocalTimestamp(timeZone: TimeZone(identifier: "UTC")!).string(from: Date(timeIntervalSince1970: 951_782_400))
                == "2000-02-29T00:00:00Z")
        #expect(LocalTimestamp(timeZone: TimeZone(identifier: "America/St_Johns")!).string(from: Date(timeIntervalSince1970: 0))
                == "1969-12-31T20:30:00-03:30")
    }
}
