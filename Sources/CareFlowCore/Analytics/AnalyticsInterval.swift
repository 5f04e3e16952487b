import Foundation

/// The length of one bucket: a calendar day, week (Monday to Monday) or month in the tenant's
/// time zone, so a bucket is 23 or 25 hours long across a clock change.
public enum AnalyticsInterval: String, Sendable, CaseIterable, Codable {
    case day, week, month

    /// The most buckets one request may ask for: a year of days, five years of weeks, ten years
    /// of months. Beyond that the answer is too large to chart and the query too long to run
    /// on a request.
    public var maximumBuckets: Int {
        switch self {
        case .day: 366
        case .week: 260
        case .month: 120
        }
    }

    /// How many buckets `from`/`to` default to when absent.
    public var defaultBuckets: Int {
        switch self {
        case .day: 30
        case .week: 12
        case .month: 12
        }
    }

    var component: Calendar.Component {
        switch self {
        case .day: .day
        case .week: .weekOfYear
        case .month: .month
        }
    }
}
