@testable import CareFlowCore
import Foundation
import Testing

/// Bucket boundaries of analytics series (pure): expected instants written by hand in UTC.
@Suite("Analytics buckets (pure)")
struct AnalyticsBucketsTests {
    static let newYork = TimeZone(identifier: "America/New_York")!
    static let berlin = TimeZone(identifier: "Europe/Berlin")!

    static func utc(_ text: String) -> Date { FieldReader.parseTimestamp(text)! }
    static func day(_ text: String) -> AnalyticsBound { .day(CalendarDay(text)!) }

    @Test("days around New York's fall-back are 24, 25 and 24 hours, bounded by local midnights")
    func fallBack() throws {
        let buckets = try AnalyticsBuckets.make(AnalyticsFilter(from: Self.day("2026-10-31"), to: Self.day("2026-11-03")),
                                                zone: Self.newYork, now: Self.utc("2026-12-01T00:00:00Z"))
        #expect(buckets.map(\.start) == [Self.utc("2026-10-31T04:00:00Z"), Self.utc("2026-11-01T04:00:00Z"), Self.utc("2026-11-02T05:00:00Z")])
        let hours: [TimeInterval] = [24, 25, 24]
        #expect(buckets.map(\.duration) == hours.map { $0 * 3_600 })
    }

    @Test("weeks run Monday to Monday; a Wednesday `from` and a Sunday `to` snap outward")
    func weeks() throws {
        let buckets = try AnalyticsBuckets.make(
            AnalyticsFilter(from: .instant(Self.utc("2026-03-04T12:00:00Z")), to: Self.day("2026-03-15"), interval: .week),
            zone: Self.berlin, now: Self.utc("2026-12-01T00:00:00Z"))
        #expect(buckets.map(\.start) == [Self.utc("2026-03-01T23:00:00Z"), Self.utc("2026-03-08T23:00:00Z")])
        #expect(buckets.last?.end == Self.utc("2026-03-15T23:00:00Z"))
    }

    @Test("months across a year end; a `to` on a boundary closes the bucket before it")
    func months() throws {
        let buckets = try AnalyticsBuckets.make(
            AnalyticsFilter(from: Self.day("2025-11-15"), to: .instant(Self.utc("2026-01-31T23:00:00Z")), interval: .month),
            zone: Self.berlin, now: Self.utc("2026-12-01T00:00:00Z"))
        #expect(buckets.map(\.start) == [Self.utc("2025-10-31T23:00:00Z"), Self.utc("2025-11-30T23:00:00Z"), Self.utc("2025-12-31T23:00:00Z")])
        #expect(buckets.last?.end == Self.utc("2026-01-31T23:00:00Z"))
    }

    @Test("defaults: 12 months up to the end of the current one; 30 days up to the end of today")
    func defaults() throws {
        let now = Self.utc("2026-03-29T12:00:00Z")
        let months = try AnalyticsBuckets.make(AnalyticsFilter(interval: .month), zone: Self.berlin, now: now)
        #expect(months.count == 12)
        #expect(months.first?.start == Self.utc("2025-03-31T22:00:00Z") && months.last?.end == Self.utc("2026-03-31T22:00:00Z"))
        let days = try AnalyticsBuckets.make(AnalyticsFilter(), zone: Self.berlin, now: now)
        #expect(days.count == 30 && days.last?.end == Self.utc("2026-03-29T22:00:00Z"))
    }

    @Test("limits: 366 days pass, 367 do not; empty and reversed ranges are refused")
    func limits() throws {
        let zone = TimeZone(identifier: "UTC")!
        let now = Date()
        #expect(try AnalyticsBuckets.make(AnalyticsFilter(from: Self.day("2024-01-01"), to: Self.day("2025-01-01")), zone: zone, now: now).count == 366)
        #expect(throws: AppError.self) {
            try AnalyticsBuckets.make(AnalyticsFilter(from: Self.day("2024-01-01"), to: Self.day("2025-01-02")), zone: zone, now: now)
        }
        #expect(throws: AppError.self) {
            try AnalyticsBuckets.make(AnalyticsFilter(from: Self.day("2024-01-02"), to: Self.day("2024-01-01")), zone: zone, now: now)
        }
        #expect(throws: AppError.self) {
            try AnalyticsBuckets.make(AnalyticsFilter(from: Self.day("2024-01-01"), to: Self.day("2024-01-01")), zone: zone, now: now)
        }
    }
}
