import CareFlowCore
import CareFlowSVG
import Foundation

/// One chart of the dashboard with its numbers: drawn from an `AnalyticsSeries` exactly as the
/// service returned it, so the page shows what `GET /api/v1/analytics/{metric}` answers.
/// Revenue gives one panel per currency (amounts of different currencies share no axis).
struct ConsoleDashboardPanel: Encodable, Sendable {
    /// `table-<id>` and `panel-<id>` in the page: the metric, and the currency for revenue.
    let id: String
    let heading: String
    /// Server-drawn SVG (escaped by `CareFlowSVG`), inlined with `#unsafeHTML`: drawn twice,
    /// since text in a view box scales with it — wide for desktops, narrow for phones (at 390 px
    /// the wide one's labels would shrink to 6 px); the stylesheet shows one of them.
    let svg: String
    let svgNarrow: String
    let table: ConsoleDashboardTable?

    init(id: String, heading: String, chart: TimeSeriesChart, table: ConsoleDashboardTable?) {
        self.id = id
        self.heading = heading
        svg = chart.svg(width: 720, height: 300)
        svgNarrow = chart.svg(width: 360, height: 260)
        self.table = table
    }

    static func panels(for series: AnalyticsSeries, periods: ConsoleDashboardPeriods) -> [ConsoleDashboardPanel] {
        let labels = series.buckets.map { periods.shortLabel($0.start) }
        func rows(_ cells: (AnalyticsValues) -> [ConsoleDashboardTable.Cell]) -> [ConsoleDashboardTable.Row] {
            series.buckets.map { .init(start: periods.rfc3339($0.start), period: periods.longLabel($0.start), cells: cells($0.values)) }
        }
        let percent = ChartUnit.fraction.format
        switch series.metric {
        case .admissions, .discharges, .highRiskPatients:
            let heading = series.metric == .admissions ? "Admissions" : series.metric == .discharges ? "Discharges" : "High-risk patients"
            let counts = series.buckets.map { $0.values.count }
            let chart = TimeSeriesChart(title: heading, kind: .stackedBars, labels: labels,
                                        series: [ChartSeries(name: heading, values: counts.map { $0.map(Double.init) })], unit: .count)
            let table = ConsoleDashboardTable(caption: heading, columns: [heading],
                                              rows: rows { [.int("count", $0.count ?? 0)] })
            return [ConsoleDashboardPanel(id: series.metric.rawValue, heading: heading, chart: chart, table: table)]

        case .occupancy:
            let ratios: [Double?] = series.buckets.map { if case .occupancy(_, _, let ratio) = $0.values { ratio } else { nil } }
            let chart = TimeSeriesChart(title: "Bed occupancy", kind: .line, labels: labels,
                                        series: [ChartSeries(name: "Occupancy", values: ratios)], unit: .fraction)
            let table = ConsoleDashboardTable(
                caption: "Bed occupancy", columns: ["Beds", "Average occupied beds", "Occupancy"],
                rows: rows { values in
                    guard case .occupancy(let beds, let average, let ratio) = values else { return [] }
                    return [.int("beds", beds), .double("average_occupied_beds", average, ChartUnit.count.format),
                            .double("occupancy", ratio, percent)]
                })
            return [ConsoleDashboardPanel(id: "occupancy", heading: "Bed occupancy", chart: chart, table: table)]

        case .appointments:
            let statuses = Appointment.Status.allCases
            let counts: [StatusCounts] = series.buckets.map { if case .statusCounts(let c) = $0.values { c } else { StatusCounts() } }
            let chart = TimeSeriesChart(
                title: "Appointments by status", kind: .stackedBars, labels: labels,
                series: statuses.map { status in ChartSeries(name: Self.name(of: status), values: counts.map { Double($0[status]) }) },
                unit: .count)
            let table = ConsoleDashboardTable(
                caption: "Appointments by status", columns: statuses.map(Self.name(of:)) + ["Total"],
                rows: rows { values in
                    guard case .statusCounts(let c) = values else { return [] }
                    return statuses.map { .int($0.rawValue, c[$0]) } + [.int("total", c.total)]
                })
            return [ConsoleDashboardPanel(id: "appointments", heading: "Appointments by status", chart: chart, table: table)]

        case .noShowRate:
            let rates: [Double?] = series.buckets.map { if case .noShowRate(_, _, let rate) = $0.values { rate } else { nil } }
            let chart = TimeSeriesChart(title: "No-show rate", kind: .line, labels: labels,
                                        series: [ChartSeries(name: "No-show rate", values: rates)], unit: .fraction)
            let table = ConsoleDashboardTable(
                caption: "No-show rate: no-shows ÷ (completed + no-shows)", columns: ["No-shows", "Completed", "Rate"],
                rows: rows { values in
                    guard case .noShowRate(let noShow, let completed, let rate) = values else { return [] }
                    return [.int("no_show", noShow), .int("completed", completed), .double("rate", rate, percent)]
                })
            return [ConsoleDashboardPanel(id: "no_show_rate", heading: "No-show rate", chart: chart, table: table)]

        case .revenue:
            return revenuePanels(series, labels: labels, periods: periods)
        }
    }

    /// Paid drawn upwards and refunds downwards, so a bar's height above minus below is the net.
    private static func revenuePanels(_ series: AnalyticsSeries, labels: [String],
                                      periods: ConsoleDashboardPeriods) -> [ConsoleDashboardPanel] {
        let byBucket: [[String: CurrencyRevenue]] = series.buckets.map { bucket in
            guard case .revenue(let money) = bucket.values else { return [:] }
            return Dictionary(money.map { ($0.currency, $0) }, uniquingKeysWith: { first, _ in first })
        }
        let currencies = Set(byBucket.flatMap(\.keys)).sorted()
        guard !currencies.isEmpty else {
            let chart = TimeSeriesChart(title: "Revenue", kind: .stackedBars, labels: labels, series: [], unit: .count,
                                        emptyMessage: "No payments or refunds in this range")
            return [ConsoleDashboardPanel(id: "revenue", heading: "Revenue", chart: chart, table: nil)]
        }
        return currencies.map { currency in
            let code = currency.uppercased()
            let money = byBucket.map { $0[currency] ?? CurrencyRevenue(currency: currency, paid: 0, refunded: 0) }
            let heading = "Revenue (\(code))"
            let chart = TimeSeriesChart(
                title: heading, kind: .stackedBars, labels: labels,
                series: [ChartSeries(name: "Paid", values: money.map { Double($0.paid) }),
                         ChartSeries(name: "Refunded", values: money.map { Double(-$0.refunded) })],
                unit: .money(currencyCode: code, minorUnits: MinorUnitFormatter.decimals(of: currency)))
            let amount = { (key: String, minor: Int) in
                ConsoleDashboardTable.Cell(key: key, value: String(minor), text: MinorUnitFormatter.amount(minor, currency: currency))
            }
            let rows = zip(series.buckets, money).map { bucket, m in
                ConsoleDashboardTable.Row(start: periods.rfc3339(bucket.start), period: periods.longLabel(bucket.start),
                                          cells: [amount("paid", m.paid), amount("refunded", m.refunded), amount("net", m.net)])
            }
            let table = ConsoleDashboardTable(caption: "\(heading), in \(code)", columns: ["Paid", "Refunded", "Net"], rows: rows)
            return ConsoleDashboardPanel(id: "revenue-\(currency.lowercased())", heading: heading, chart: chart, table: table)
        }
    }

    private static func name(of status: Appointment.Status) -> String {
        switch status {
        case .noShow: "No-show"
        default: status.rawValue.prefix(1).uppercased() + status.rawValue.dropFirst()
        }
    }
}

extension AnalyticsValues {
    /// The count of a counting metric.
    fileprivate var count: Int? {
        if case .count(let n) = self { return n }
        return nil
    }
}
