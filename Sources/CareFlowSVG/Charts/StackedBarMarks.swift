/// The bars of a stacked bar chart: per label, each series' value stacked on the ones before it,
/// positive values upwards from zero and negative ones downwards, so a stack's top is the sum of
/// its positive values. A nil or zero value draws nothing.
struct StackedBarMarks {
    let renderer: ChartRenderer

    /// The share of a band a bar fills; the rest separates neighbouring bars.
    static let fill = 0.7

    func draw(into svg: inout ChartMarkup) {
        let chart = renderer.chart
        let barWidth = renderer.x.bandWidth * Self.fill
        var above = [Double](repeating: 0, count: chart.labels.count)
        var below = [Double](repeating: 0, count: chart.labels.count)
        for (seriesIndex, series) in chart.series.enumerated() {
            svg.open("g", [("class", "series s\(seriesIndex)")])
            for index in chart.labels.indices {
                guard let value = series.value(at: index), value != 0 else { continue }
                let base = value > 0 ? above[index] : below[index]
                let end = base + value
                if value > 0 { above[index] = end } else { below[index] = end }
                let top = renderer.y.y(max(base, end))
                let bottom = renderer.y.y(min(base, end))
                svg.open("rect", [("class", "bar"), ("x", ChartCoordinate.format(renderer.x.centre(index) - barWidth / 2)),
                                  ("y", ChartCoordinate.format(top)), ("width", ChartCoordinate.format(barWidth)),
                                  ("height", ChartCoordinate.format(bottom - top)), ("fill", ChartPalette.colour(at: seriesIndex))])
                svg.element("title", content: renderer.tooltip(index: index, series: series, value: value))
                svg.close("rect")
            }
            svg.close("g")
        }
    }
}
