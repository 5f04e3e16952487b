/// The chart in words, for its `<desc>`: what is plotted over which periods, and each series'
/// latest, lowest and highest value, so a screen reader gets the gist without the table.
struct ChartDescription {
    let chart: TimeSeriesChart

    var text: String {
        let kind = chart.kind == .line ? "Line chart" : "Stacked bar chart"
        guard let first = chart.labels.first, let last = chart.labels.last else { return "\(kind) without periods." }
        let span = chart.labels.count == 1 ? "for \(first)" : "over \(chart.labels.count) periods from \(first) to \(last)"
        var sentences = ["\(kind) \(span)."]
        if chart.isEmpty, let message = chart.emptyMessage { sentences.append(message + ".") }
        for series in chart.series {
            let values = chart.labels.indices.compactMap { series.value(at: $0) }
            guard let latest = values.last, let low = values.min(), let high = values.max() else {
                sentences.append("\(series.name): no data.")
                continue
            }
            let format = chart.unit.format
            sentences.append("\(series.name): latest \(format(latest)), lowest \(format(low)), highest \(format(high)).")
        }
        return sentences.joined(separator: " ")
    }
}
