@testable import CareFlowAPI
import CareFlowCore
import Foundation
import Testing

/// The analytics body written byte by byte (`AnalyticsSeriesJSON`) is the JSON of the
/// documented DTO as Foundation's encoder writes it, for every kind of bucket, both scopes,
/// zones with clock changes and bounds that do not follow each other.
@Suite("Analytics body written directly (pure)")
struct AnalyticsSeriesJSONTests {
    static func reference(_ series: AnalyticsSeries) throws -> JSONValue {
        try JSONParser.parse(Array(try JSONEncoder.custom(dates: .iso8601).encode(AnalyticsSeriesDTO(series))))
    }

    static func direct(_ series: AnalyticsSeries) throws -> JSONValue {
        try JSONParser.parse(try AnalyticsSeriesJSON(series: series).bytes())
    }

    /// Days from `start` in `zone`, each ending where the next begins (25 and 23 hours across
    /// clock changes), carrying `values(index)`.
    static func series(_ metric: AnalyticsMetric, zone: String, start: TimeInterval, days: Int, facility: UUID? = UUID(),
                       values: (Int) -> AnalyticsValues) -> AnalyticsSeries {
        let timeZone = TimeZone(identifier: zone)!
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let first = calendar.startOfDay(for: Date(timeIntervalSince1970: start))
        let bounds = (0...days).map { calendar.date(byAdding: .day, value: $0, to: first)! }
        let buckets = (0..<days).map { AnalyticsBucket(start: bounds[$0], end: bounds[$0 + 1], values: values($0)) }
        return AnalyticsSeries(metric: metric, interval: .day, timeZone: timeZone, from: bounds[0], to: bounds[days],
                               facilityID: facility, buckets: buckets)
    }

    // 2026-03-25 in Berlin: the series runs across the spring clock change of the 29th.
    static let spring: TimeInterval = 1_774_440_000

    @Test("counts, status counts, rates, occupancy and revenue: the same JSON as the DTO")
    func everyKind() throws {
        let statuses = Appointment.Status.allCases
        let cases: [AnalyticsSeries] = [
            Self.series(.admissions, zone: "Europe/Berlin", start: Self.spring, days: 9) { .count($0 * 37) },
            Self.series(.appointments, zone: "Europe/Berlin", start: Self.spring, days: 9) { day in
                .statusCounts(StatusCounts(Dictionary(uniqueKeysWithValues: statuses.enumerated().map { ($1, day * 10 + $0) })))
            },
            Self.series(.appointments, zone: "UTC", start: Self.spring, days: 3) { day in
                .statusCounts(StatusCounts(day == 0 ? [:] : [.noShow: day, .completed: 1_000_000_007]))
            },
            Self.series(.noShowRate, zone: "America/New_York", start: 1_762_000_000, days: 6) { day in
                day % 3 == 0 ? .noShowRate(noShow: 0, completed: 0, rate: nil)
                    : .noShowRate(noShow: day, completed: 3, rate: Double(day) / Double(day + 3))
            },
            Self.series(.occupancy, zone: "Asia/Kolkata", start: Self.spring, days: 5, facility: nil) { day in
                switch day {
                case 0: .occupancy(beds: 20, averageOccupiedBeds: 15.5, occupancy: 0.775)
                case 1: .occupancy(beds: 20, averageOccupiedBeds: 2.0 / 3.0, occupancy: 1.0 / 30.0)
                case 2: .occupancy(beds: 0, averageOccupiedBeds: 0, occupancy: nil)
                case 3: .occupancy(beds: 7, averageOccupiedBeds: 1e-9, occupancy: 7)
                default: .occupancy(beds: 20, averageOccupiedBeds: nil, occupancy: nil)
                }
            },
            Self.series(.revenue, zone: "Australia/Lord_Howe", start: 1_775_300_000, days: 4, facility: nil) { day in
                .revenue(Array([CurrencyRevenue(currency: "eur", paid: 10_000, refunded: 2_500),
                                CurrencyRevenue(currency: "rwf", paid: 0, refunded: 900),
                                CurrencyRevenue(currency: "usd", paid: -5, refunded: 0)].prefix(day)))
            },
        ]
        for series in cases {
            let direct = try Self.direct(series), reference = try Self.reference(series)
            #expect(direct == reference, "\(series.metric) in \(series.timeZone.identifier)")
        }
    }

    @Test("a bucket that does not start where the one before ended gets its own start")
    func gaps() throws {
        let zone = TimeZone(identifier: "Europe/Berlin")!
        let day: TimeInterval = 86_400
        let buckets = [(0.0, 1.0), (2.0, 3.0), (3.0, 3.5), (3.25, 9.0)].map { start, end in
            AnalyticsBucket(start: Date(timeIntervalSince1970: Self.spring + start * day),
                            end: Date(timeIntervalSince1970: Self.spring + end * day), values: .count(1))
        }
        let series = AnalyticsSeries(metric: .discharges, interval: .day, timeZone: zone, from: buckets[0].start,
                                     to: buckets[3].end, facilityID: nil, buckets: buckets)
        #expect(try Self.direct(series) == Self.reference(series))
    }

    @Test("written text: key order of the DTO, every status in its declared order, no buckets")
    func text() throws {
        let facility = UUID(uuidString: "0D2A1A52-7A39-4E5B-9C55-1F4C6F3E0A11")!
        // London in winter: offset zero, written `Z` (Foundation names `UTC` itself "GMT").
        let utc = TimeZone(identifier: "Europe/London")!
        let start = Date(timeIntervalSince1970: 1_767_225_600), end = Date(timeIntervalSince1970: 1_767_312_000)
        let series = AnalyticsSeries(metric: .appointments, interval: .day, timeZone: utc, from: start, to: end, facilityID: facility,
                                     buckets: [AnalyticsBucket(start: start, end: end, values: .statusCounts(StatusCounts([.completed: 2, .booked: 1])))])
        let text = String(decoding: try AnalyticsSeriesJSON(series: series).bytes(), as: UTF8.self)
        #expect(text == """
            {"metric":"appointments","interval":"day","time_zone":"Europe/London","from":"2026-01-01T00:00:00Z","to":"2026-01-02T00:00:00Z",\
            "facility_id":"0D2A1A52-7A39-4E5B-9C55-1F4C6F3E0A11","buckets":[{"start":"2026-01-01T00:00:00Z",\
            "end":"2026-01-02T00:00:00Z","by_status":{"booked":1,"confirmed":0,"completed":2,"cancelled":0,"no_show":0},"total":3}]}
            """)
        let empty = AnalyticsSeries(metric: .admissions, interval: .month, timeZone: utc, from: start, to: end, facilityID: nil, buckets: [])
        #expect(try Self.direct(empty) == Self.reference(empty))
    }

    @Test("a rate that is not a number fails the answer, as the encoder does, rather than writing invalid JSON")
    func notANumber() throws {
        let series = Self.series(.noShowRate, zone: "UTC", start: Self.spring, days: 2) { _ in
            .noShowRate(noShow: 1, completed: 0, rate: .nan)
        }
        #expect(throws: EncodingError.self) { try AnalyticsSeriesJSON(series: series).bytes() }
    }
}
