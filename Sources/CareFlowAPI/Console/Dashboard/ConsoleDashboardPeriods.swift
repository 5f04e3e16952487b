import CareFlowCore
import Foundation

/// How buckets are named on the page, in the tenant's zone and in English whatever the
/// server's locale: short under the chart ("3 Mar", "Mar 2026"), in full in the table.
struct ConsoleDashboardPeriods {
    private let short: DateFormatter
    private let long: DateFormatter
    private let instant: ISO8601DateFormatter
    private let day: DateFormatter

    init(interval: AnalyticsInterval, zone: TimeZone) {
        func formatter(_ pattern: String) -> DateFormatter {
            let f = DateFormatter()
            f.locale = Locale(identifier: "en_US_POSIX")
            f.calendar = Calendar(identifier: .gregorian)
            f.timeZone = zone
            f.dateFormat = pattern
            return f
        }
        switch interval {
        case .day: (short, long) = (formatter("d MMM"), formatter("EEE d MMM yyyy"))
        case .week: (short, long) = (formatter("d MMM"), formatter("'Week of' d MMM yyyy"))
        case .month: (short, long) = (formatter("MMM yyyy"), formatter("MMMM yyyy"))
        }
        instant = ISO8601DateFormatter()
        instant.timeZone = zone
        instant.formatOptions = [.withInternetDateTime]
        day = formatter("yyyy-MM-dd")
    }

    func shortLabel(_ date: Date) -> String { short.string(from: date) }
    func longLabel(_ date: Date) -> String { long.string(from: date) }
    /// As the API writes bucket bounds.
    func rfc3339(_ date: Date) -> String { instant.string(from: date) }
    /// For the form's date fields.
    func calendarDay(_ date: Date) -> String { day.string(from: date) }
}
