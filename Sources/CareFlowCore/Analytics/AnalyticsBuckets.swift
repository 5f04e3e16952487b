import Foundation

/// The bucket boundaries of a series: consecutive local midnights in the tenant's zone that
/// start a day, a week (Mondays, ISO 8601) or a month. They are computed here, in Swift, from
/// civil dates (`CalendarDay`, the same wall-clock rules as scheduling: a midnight that a clock
/// change skips is read as the same distance past the jump), and handed to SQL as bound values;
/// SQL only counts rows between them. So a day that loses an hour is a 23-hour bucket on both
/// databases, with no time-zone database needed inside SQL.
public enum AnalyticsBuckets {
    /// Bounds far outside any stored data would only make empty series, and years near the
    /// ends of the calendar would leave it.
    static let admitted = DateInterval(start: Date(timeIntervalSince1970: 0), end: Date(timeIntervalSince1970: 221_845_392_000))

    /// The buckets covering [from, to) after snapping `from` down and `to` up to boundaries.
    /// Refuses an empty or reversed range and more than `interval.maximumBuckets` (422).
    public static func make(_ filter: AnalyticsFilter, zone: TimeZone, now: Date) throws -> [DateInterval] {
        let interval = filter.interval
        let from = filter.from?.date(in: zone)
        let to = filter.to?.date(in: zone)
        for (field, date) in [("from", from), ("to", to)] {
            if let date, !admitted.contains(date) {
                throw AppError.validation([FieldError(field: field, reason: "must be between 1970 and 9000")])
            }
        }
        if let from, let to, from >= to { throw AppError.validation([FieldError(field: "to", reason: "must be after from")]) }

        let lastDay: CalendarDay
        if let to {
            // `to` is exclusive: a bound exactly on a boundary closes the bucket before it.
            let day = CalendarDay(containing: to, in: zone)
            let start = floor(day, interval)
            lastDay = start.instant(atMinute: 0, in: zone) == to ? start : advance(start, interval)
        } else {
            lastDay = advance(floor(CalendarDay(containing: now, in: zone), interval), interval)
        }
        let firstDay: CalendarDay
        if let from {
            firstDay = floor(CalendarDay(containing: from, in: zone), interval)
        } else {
            firstDay = back(lastDay, interval, by: interval.defaultBuckets)
        }
        guard firstDay < lastDay else { throw AppError.validation([FieldError(field: "to", reason: "must be after from")]) }

        var buckets: [DateInterval] = []
        var day = firstDay
        var start = day.instant(atMinute: 0, in: zone)
        while day < lastDay {
            guard buckets.count < interval.maximumBuckets else {
                throw AppError.validation([FieldError(
                    field: "from", reason: "the range spans more than \(interval.maximumBuckets) \(interval.rawValue) buckets")])
            }
            let next = advance(day, interval)
            let end = next.instant(atMinute: 0, in: zone)
            buckets.append(DateInterval(start: start, end: end))
            (day, start) = (next, end)
        }
        return buckets
    }

    /// The first day of the bucket holding `day`.
    static func floor(_ day: CalendarDay, _ interval: AnalyticsInterval) -> CalendarDay {
        switch interval {
        case .day: day
        case .week: CalendarDay.civil(fromDays: CalendarDay.daysFromCivil(day.year, day.month, day.day) - (day.isoWeekday - 1))
        case .month: monthStart(day.year * 12 + day.month - 1)
        }
    }

    /// The first day of the next bucket after the one starting at `day`.
    static func advance(_ day: CalendarDay, _ interval: AnalyticsInterval) -> CalendarDay {
        switch interval {
        case .day: day.next
        case .week: CalendarDay.civil(fromDays: CalendarDay.daysFromCivil(day.year, day.month, day.day) + 7)
        case .month: monthStart(day.year * 12 + day.month)
        }
    }

    /// The first of a month counted from January of year 0. Callers stay within the years
    /// `make` admits, so the date always exists.
    private static func monthStart(_ months: Int) -> CalendarDay {
        CalendarDay(year: months / 12, month: months % 12 + 1, day: 1)!
    }

    static func back(_ day: CalendarDay, _ interval: AnalyticsInterval, by count: Int) -> CalendarDay {
        switch interval {
        case .day: CalendarDay.civil(fromDays: CalendarDay.daysFromCivil(day.year, day.month, day.day) - count)
        case .week: CalendarDay.civil(fromDays: CalendarDay.daysFromCivil(day.year, day.month, day.day) - 7 * count)
        case .month: monthStart(day.year * 12 + (day.month - 1) - count)
        }
    }
}
