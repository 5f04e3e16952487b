import CareFlowCore
import Foundation
import Vapor

/// Times on console pages: in the tenant's time zone (its configuration file; UTC when it names
/// none), written plainly as `2026-03-14 09:05:00`, with the zone named once on the page.
struct ConsoleClock: Sendable {
    let zone: TimeZone
    /// As the tenant's file spells it (Foundation calls UTC "GMT").
    let zoneName: String

    /// `yyyy-MM-dd HH:mm:ss` in the zone (Gregorian, whatever the server's locale).
    func format(_ date: Date) -> String {
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d-%02d-%02d %02d:%02d:%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0, c.hour ?? 0, c.minute ?? 0, c.second ?? 0)
    }

    /// Midnight at the start of a `YYYY-MM-DD` day in the zone; nil for anything else.
    func startOfDay(_ text: String) -> Date? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard text.count == 10, parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]) else { return nil }
        let components = DateComponents(year: year, month: month, day: day)
        // Reject 2026-02-31 and friends rather than letting the calendar roll them over.
        guard components.isValidDate(in: calendar), let date = calendar.date(from: components) else { return nil }
        return date
    }

    /// The midnight that ends the day starting at `start` (23 or 25 hours later across a DST change).
    func endOfDay(startingAt start: Date) -> Date? {
        calendar.date(byAdding: .day, value: 1, to: start)
    }

    private var calendar: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar
    }
}

extension Request {
    /// The clock of the signed-in caller's tenant.
    func consoleClock() async throws -> ConsoleClock {
        let slug = try await currentTenantSlug()
        if let name = services.tenants[slug]?.timezone, let zone = TimeZone(identifier: name) {
            return ConsoleClock(zone: zone, zoneName: name)
        }
        return ConsoleClock(zone: TimeZone(identifier: "UTC") ?? .gmt, zoneName: "UTC")
    }
}
