import Foundation

/// One metric over consecutive buckets, as plain values: what the API encodes and what the
/// CSV and PDF exports render. Bucket bounds are instants; `timeZone` is the tenant zone they
/// were cut in (render them with its offsets).
public struct AnalyticsSeries: Sendable, Equatable {
    public let metric: AnalyticsMetric
    public let interval: AnalyticsInterval
    public let timeZone: TimeZone
    /// The zone's name as the tenant file gives it (`UTC` for a tenant without one). Not
    /// `timeZone.identifier`: Foundation on Linux names the zone made from `UTC` "GMT".
    public let timeZoneName: String
    /// The snapped range: the first bucket's start and the last bucket's end.
    public let from: Date
    public let to: Date
    /// Nil for the whole tenant.
    public let facilityID: UUID?
    public let buckets: [AnalyticsBucket]

    public init(metric: AnalyticsMetric, interval: AnalyticsInterval, timeZone: TimeZone, timeZoneName: String? = nil,
                from: Date, to: Date, facilityID: UUID?, buckets: [AnalyticsBucket]) {
        self.metric = metric
        self.interval = interval
        self.timeZone = timeZone
        self.timeZoneName = timeZoneName ?? timeZone.identifier
        self.from = from
        self.to = to
        self.facilityID = facilityID
        self.buckets = buckets
    }
}

/// One bucket [start, end) and the metric's values in it.
public struct AnalyticsBucket: Sendable, Equatable {
    public let start: Date
    public let end: Date
    public let values: AnalyticsValues

    public init(start: Date, end: Date, values: AnalyticsValues) {
        self.start = start
        self.end = end
        self.values = values
    }
}

/// The values of one bucket; which case depends on the metric.
public enum AnalyticsValues: Sendable, Equatable {
    /// admissions, discharges, high_risk_patients.
    case count(Int)
    /// appointments: every status, zero when none.
    case statusCounts(StatusCounts)
    /// no_show_rate: `rate` is nil when completed + no_show is 0.
    case noShowRate(noShow: Int, completed: Int, rate: Double?)
    /// occupancy: nil ratios for a bucket that has not begun or a scope without beds.
    case occupancy(beds: Int, averageOccupiedBeds: Double?, occupancy: Double?)
    /// revenue: one entry per currency that had money in or out in the bucket, by code.
    case revenue([CurrencyRevenue])
}

/// Money of one currency in one bucket, in minor units.
public struct CurrencyRevenue: Sendable, Equatable {
    public let currency: String
    public let paid: Int
    public let refunded: Int
    public var net: Int { paid - refunded }

    public init(currency: String, paid: Int, refunded: Int) {
        self.currency = currency
        self.paid = paid
        self.refunded = refunded
    }
}

extension AnalyticsSeries {
    /// The series as a table of text cells, one row per bucket (per bucket and currency for
    /// revenue), for CSV and PDF: `start` and `end` in RFC 3339 with the tenant zone's offset.
    public var table: (header: [String], rows: [[String]]) {
        let formatter = LocalTimestamp(timeZone: timeZone)
        let header: [String]
        switch metric {
        case .admissions, .discharges, .highRiskPatients: header = ["start", "end", "count"]
        case .appointments: header = ["start", "end"] + Appointment.Status.allCases.map(\.rawValue) + ["total"]
        case .noShowRate: header = ["start", "end", "no_show", "completed", "rate"]
        case .occupancy: header = ["start", "end", "beds", "average_occupied_beds", "occupancy"]
        case .revenue: header = ["start", "end", "currency", "paid", "refunded", "net"]
        }
        var rows: [[String]] = []
        for bucket in buckets {
            let bounds = [formatter.string(from: bucket.start), formatter.string(from: bucket.end)]
            switch bucket.values {
            case .count(let n):
                rows.append(bounds + [String(n)])
            case .statusCounts(let counts):
                rows.append(bounds + counts.byStatus.map { String($0.count) } + [String(counts.total)])
            case .noShowRate(let noShow, let completed, let rate):
                rows.append(bounds + [String(noShow), String(completed), rate.map { String($0) } ?? ""])
            case .occupancy(let beds, let average, let ratio):
                rows.append(bounds + [String(beds), average.map { String($0) } ?? "", ratio.map { String($0) } ?? ""])
            case .revenue(let currencies):
                for money in currencies {
                    rows.append(bounds + [money.currency, String(money.paid), String(money.refunded), String(money.net)])
                }
            }
        }
        return (header, rows)
    }
}
