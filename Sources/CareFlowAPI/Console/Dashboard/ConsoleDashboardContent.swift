import CareFlowCore
import Foundation

/// What `console/dashboard.leaf` shows: the filter form (set to the range the service
/// actually used, after snapping to whole buckets) and the panels.
struct ConsoleDashboardContent: Encodable, Sendable {
    struct Option: Encodable, Sendable {
        let value: String
        let label: String
        let selected: Bool
    }

    let heading: String
    let facilityOptions: [Option]
    let intervalOptions: [Option]
    let from: String
    let to: String
    let range: String
    let timeZone: String
    let panels: [ConsoleDashboardPanel]

    init(filter: AnalyticsFilter, reach: ConsoleDashboardReach, series: [AnalyticsSeries], tenant: String) {
        let selectedFacility = filter.facilityID
        var facilities: [Option] = []
        if reach.tenantWide {
            facilities.append(Option(value: "", label: "All facilities", selected: selectedFacility == nil))
        }
        facilities += reach.facilities.compactMap { facility in
            facility.id.map { Option(value: $0.lowercasedString, label: facility.name, selected: $0 == selectedFacility) }
        }
        facilityOptions = facilities
        intervalOptions = AnalyticsInterval.allCases.map {
            Option(value: $0.rawValue, label: $0.rawValue.prefix(1).uppercased() + $0.rawValue.dropFirst(), selected: $0 == filter.interval)
        }
        let place = selectedFacility.flatMap { id in reach.facilities.first { $0.id == id }?.name } ?? tenant
        heading = "Dashboard — \(place)"

        let first = series.first
        let zone = first?.timeZone ?? TimeZone(identifier: "UTC") ?? .current
        let periods = ConsoleDashboardPeriods(interval: filter.interval, zone: zone)
        from = first.map { periods.calendarDay($0.from) } ?? ""
        to = first.map { periods.calendarDay($0.to) } ?? ""
        // The last bucket ends at midnight: the range a person reads ends the second before.
        range = first.map { "\(periods.longLabel($0.from)) to \(periods.longLabel($0.to.addingTimeInterval(-1)))" } ?? ""
        timeZone = first?.timeZoneName ?? "UTC"
        panels = series.flatMap { ConsoleDashboardPanel.panels(for: $0, periods: periods) }
    }
}
