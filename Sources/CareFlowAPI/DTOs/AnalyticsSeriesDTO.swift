import CareFlowCore
import Vapor

/// `GET /api/v1/analytics/{metric}`: the buckets of one metric. Bounds are RFC 3339 in the
/// tenant zone's offset at that instant (so a week across a clock change starts at +01:00 and
/// ends at +02:00). A bucket carries the members of its metric only.
struct AnalyticsSeriesDTO: Content {
    let metric: String
    let interval: String
    let timeZone: String
    let from: String
    let to: String
    let facilityID: UUID?
    let buckets: [Bucket]

    struct Bucket: Content {
        let start: String
        let end: String
        /// admissions, discharges, high_risk_patients.
        var count: Int?
        /// appointments: every status.
        var byStatus: [String: Int]?
        var total: Int?
        /// no_show_rate.
        var noShow: Int?
        var completed: Int?
        var rate: Double??
        /// occupancy.
        var beds: Int?
        var averageOccupiedBeds: Double??
        var occupancy: Double??
        /// revenue.
        var revenue: [Money]?

        init(start: String, end: String) {
            self.start = start
            self.end = end
        }

        enum CodingKeys: String, CodingKey {
            case start, end, count, total, completed, rate, beds, occupancy, revenue
            case byStatus = "by_status"
            case noShow = "no_show"
            case averageOccupiedBeds = "average_occupied_beds"
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(start, forKey: .start)
            try c.encode(end, forKey: .end)
            try c.encodeIfPresent(count, forKey: .count)
            try c.encodeIfPresent(byStatus, forKey: .byStatus)
            try c.encodeIfPresent(total, forKey: .total)
            try c.encodeIfPresent(noShow, forKey: .noShow)
            try c.encodeIfPresent(completed, forKey: .completed)
            // A rate that cannot be computed is written as null, not left out.
            if let rate { try c.encode(rate, forKey: .rate) }
            try c.encodeIfPresent(beds, forKey: .beds)
            if let averageOccupiedBeds { try c.encode(averageOccupiedBeds, forKey: .averageOccupiedBeds) }
            if let occupancy { try c.encode(occupancy, forKey: .occupancy) }
            try c.encodeIfPresent(revenue, forKey: .revenue)
        }
    }

    struct Money: Content {
        let currency: String
        let paid: Int
        let refunded: Int
        let net: Int
    }

    enum CodingKeys: String, CodingKey {
        case metric, interval, from, to, buckets
        case timeZone = "time_zone"
        case facilityID = "facility_id"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(metric, forKey: .metric)
        try c.encode(interval, forKey: .interval)
        try c.encode(timeZone, forKey: .timeZone)
        try c.encode(from, forKey: .from)
        try c.encode(to, forKey: .to)
        // null for the whole tenant, never left out.
        try c.encode(facilityID, forKey: .facilityID)
        try c.encode(buckets, forKey: .buckets)
    }
}

extension AnalyticsSeriesDTO {
    init(_ series: AnalyticsSeries) {
        let local = LocalTimestamp(timeZone: series.timeZone)
        metric = series.metric.rawValue
        interval = series.interval.rawValue
        timeZone = series.timeZoneName
        from = local.string(from: series.from)
        to = local.string(from: series.to)
        facilityID = series.facilityID
        buckets = series.buckets.map { bucket in
            var b = Bucket(start: local.string(from: bucket.start), end: local.string(from: bucket.end))
            switch bucket.values {
            case .count(let n):
                b.count = n
            case .statusCounts(let counts):
                b.byStatus = Dictionary(uniqueKeysWithValues: counts.byStatus.map { ($0.status.rawValue, $0.count) })
                b.total = counts.total
            case .noShowRate(let noShow, let completed, let rate):
                (b.noShow, b.completed, b.rate) = (noShow, completed, .some(rate))
            case .occupancy(let beds, let average, let occupancy):
                (b.beds, b.averageOccupiedBeds, b.occupancy) = (beds, .some(average), .some(occupancy))
            case .revenue(let currencies):
                b.revenue = currencies.map { Money(currency: $0.currency, paid: $0.paid, refunded: $0.refunded, net: $0.net) }
            }
            return b
        }
    }
}

extension AnalyticsSeriesDTO: SchemaSample {
    static var schemaSamples: [Self] {
        let start = "2026-03-29T00:00:00+01:00", end = "2026-03-30T00:00:00+02:00"
        func sample(_ bucket: Bucket) -> Self {
            AnalyticsSeriesDTO(metric: "occupancy", interval: "day", timeZone: "Europe/Berlin", from: start, to: end,
                               facilityID: UUID(), buckets: [bucket])
        }
        var count = Bucket(start: start, end: end)
        count.count = 3
        var statuses = Bucket(start: start, end: end)
        statuses.byStatus = ["booked": 1, "completed": 2]
        statuses.total = 3
        var rate = Bucket(start: start, end: end)
        (rate.noShow, rate.completed, rate.rate) = (1, 3, .some(0.25))
        var noRate = Bucket(start: start, end: end)
        (noRate.noShow, noRate.completed, noRate.rate) = (0, 0, .some(nil))
        var occupancy = Bucket(start: start, end: end)
        (occupancy.beds, occupancy.averageOccupiedBeds, occupancy.occupancy) = (20, .some(15.5), .some(0.775))
        var future = Bucket(start: start, end: end)
        (future.beds, future.averageOccupiedBeds, future.occupancy) = (20, .some(nil), .some(nil))
        var money = Bucket(start: start, end: end)
        money.revenue = [Money(currency: "eur", paid: 10_000, refunded: 2_500, net: 7_500)]
        let tenantWide = AnalyticsSeriesDTO(metric: "admissions", interval: "day", timeZone: "Europe/Berlin", from: start, to: end,
                                        facilityID: nil, buckets: [count])
        return [sample(count), sample(statuses), sample(rate), sample(noRate), sample(occupancy), sample(future), sample(money), tenantWide]
    }

    static var schemaNotes: [String: SchemaNote] {
        ["metric": .values(of: AnalyticsMetric.self), "interval": .values(of: AnalyticsInterval.self),
         "time_zone": .description("IANA zone of the tenant, in which buckets are cut"),
         "from": .format("date-time"), "to": .format("date-time")]
    }
}

extension AnalyticsSeriesDTO.Bucket: SchemaAnnotated {
    static var schemaNotes: [String: SchemaNote] {
        ["start": .format("date-time"), "end": .format("date-time"), "by_status": .keys(of: Appointment.Status.self)]
    }
}
