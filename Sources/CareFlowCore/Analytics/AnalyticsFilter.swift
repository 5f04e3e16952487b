import Foundation

/// What a series is asked for: one facility or the whole tenant, a range and a bucket length.
public struct AnalyticsFilter: Sendable, Equatable {
    public var facilityID: UUID?
    /// Snapped down to the start of its bucket; default: `interval.defaultBuckets` before `to`.
    public var from: AnalyticsBound?
    /// Snapped up to the end of its bucket (exclusive); default: the end of the current bucket.
    public var to: AnalyticsBound?
    public var interval: AnalyticsInterval

    public init(facilityID: UUID? = nil, from: AnalyticsBound? = nil, to: AnalyticsBound? = nil, interval: AnalyticsInterval = .day) {
        self.facilityID = facilityID
        self.from = from
        self.to = to
        self.interval = interval
    }
}

/// A range bound as the caller wrote it: an instant (RFC 3339 with offset) or a civil date,
/// which means that day's first moment in the tenant's time zone.
public enum AnalyticsBound: Sendable, Equatable {
    case instant(Date)
    case day(CalendarDay)

    /// Reads `2026-03-01` or `2026-03-01T00:00:00+01:00`; nil for anything else.
    public init?(_ text: String) {
        if let day = CalendarDay(text) {
            self = .day(day)
        } else if let date = FieldReader.parseTimestamp(text) {
            self = .instant(date)
        } else {
            return nil
        }
    }

    func date(in zone: TimeZone) -> Date {
        switch self {
        case .instant(let date): date
        case .day(let day): day.instant(atMinute: 0, in: zone)
        }
    }
}
