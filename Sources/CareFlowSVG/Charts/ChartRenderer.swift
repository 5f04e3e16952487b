/// Draws a `TimeSeriesChart`: accessible name and description, the legend, the axes and grid,
/// then the marks of its kind.
struct ChartRenderer {
    let chart: TimeSeriesChart
    let ticks: AxisTicks
    let layout: ChartLayout
    let x: BandScale
    let y: LinearScale

    init(chart: TimeSeriesChart, width: Double, height: Double) {
        self.chart = chart
        let range = chart.valueRange
        ticks = AxisTicks(covering: range.min, range.max, unit: chart.unit)
        layout = ChartLayout(width: width, height: height, yLabels: ticks.labels, xLabels: chart.labels,
                             legendNames: chart.series.map(\.name))
        x = BandScale(count: chart.labels.count, left: layout.plotLeft, width: layout.plotWidth)
        y = LinearScale(lower: ticks.lower, upper: ticks.upper, top: layout.plotTop, bottom: layout.plotTop + layout.plotHeight)
    }

    func render() -> String {
        var svg = ChartMarkup()
        let kindClass = chart.kind == .line ? "chart chart-line" : "chart chart-bars"
        svg.open("svg", [("xmlns", "http://www.w3.org/2000/svg"),
                         ("viewBox", "0 0 \(ChartCoordinate.format(layout.width)) \(ChartCoordinate.format(layout.height))"),
                         ("role", "img"), ("class", kindClass),
                         ("font-family", "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"),
                         ("font-size", ChartCoordinate.format(ChartTextMetrics.fontSize))])
        // The first <title> and <desc> children are the image's accessible name and description.
        svg.element("title", content: chart.title)
        svg.element("desc", content: ChartDescription(chart: chart).text)
        drawLegend(into: &svg)
        drawYAxis(into: &svg)
        drawXAxis(into: &svg)
        if chart.isEmpty {
            if let message = chart.emptyMessage {
                svg.element("text", [("class", "empty"), ("x", ChartCoordinate.format(layout.plotLeft + layout.plotWidth / 2)),
                                     ("y", ChartCoordinate.format(layout.plotTop + layout.plotHeight / 2)),
                                     ("text-anchor", "middle"), ("fill", ChartPalette.axis)], content: message)
            }
        } else {
            switch chart.kind {
            case .line: LineMarks(renderer: self).draw(into: &svg)
            case .stackedBars: StackedBarMarks(renderer: self).draw(into: &svg)
            }
        }
        svg.close("svg")
        return svg.text
    }

    private func drawLegend(into svg: inout ChartMarkup) {
        guard !layout.legend.entries.isEmpty else { return }
        svg.open("g", [("class", "legend")])
        for (index, entry) in layout.legend.entries.enumerated() {
            let colour = ChartPalette.colour(at: index)
            let middle = entry.y + ChartLayout.lineHeight / 2
            switch chart.kind {
            case .line:
                svg.empty("line", [("class", "s\(index)"), ("x1", ChartCoordinate.format(entry.x)), ("y1", ChartCoordinate.format(middle)),
                                   ("x2", ChartCoordinate.format(entry.x + LegendLayout.swatch)), ("y2", ChartCoordinate.format(middle)),
                                   ("stroke", colour), ("stroke-width", "2")])
            case .stackedBars:
                svg.empty("rect", [("class", "s\(index)"), ("x", ChartCoordinate.format(entry.x)),
                                   ("y", ChartCoordinate.format(middle - LegendLayout.swatch / 2)),
                                   ("width", ChartCoordinate.format(LegendLayout.swatch)), ("height", ChartCoordinate.format(LegendLayout.swatch)),
                                   ("fill", colour)])
            }
            svg.element("text", [("x", ChartCoordinate.format(entry.x + LegendLayout.swatch + 4)),
                                 ("y", ChartCoordinate.format(middle + ChartTextMetrics.fontSize * 0.35)), ("fill", ChartPalette.text)],
                        content: entry.name)
        }
        svg.close("g")
    }

    private func drawYAxis(into svg: inout ChartMarkup) {
        svg.open("g", [("class", "y-axis")])
        if let caption = chart.unit.axisCaption {
            svg.element("text", [("class", "unit"), ("x", ChartCoordinate.format(layout.plotLeft - 6)),
                                 ("y", ChartCoordinate.format(layout.plotTop - 10)), ("text-anchor", "end"), ("fill", ChartPalette.axis)],
                        content: caption)
        }
        for (value, label) in zip(ticks.values, ticks.labels) {
            let position = ChartCoordinate.format(y.y(value))
            svg.empty("line", [("class", value == 0 ? "zero" : "grid"),
                               ("x1", ChartCoordinate.format(layout.plotLeft)), ("y1", position),
                               ("x2", ChartCoordinate.format(layout.plotLeft + layout.plotWidth)), ("y2", position),
                               ("stroke", value == 0 ? ChartPalette.axis : ChartPalette.grid), ("stroke-width", "1")])
            svg.element("text", [("x", ChartCoordinate.format(layout.plotLeft - 6)), ("y", ChartCoordinate.format(y.y(value) + ChartTextMetrics.fontSize * 0.35)),
                                 ("text-anchor", "end"), ("fill", ChartPalette.text)], content: label)
        }
        svg.close("g")
    }

    private func drawXAxis(into svg: inout ChartMarkup) {
        guard !chart.labels.isEmpty else { return }
        let widest = chart.labels.map(ChartTextMetrics.width(of:)).max() ?? 0
        let step = XLabelThinning.step(widestLabel: widest, bandWidth: x.bandWidth)
        svg.open("g", [("class", "x-axis")])
        let baseline = layout.plotTop + layout.plotHeight + ChartTextMetrics.fontSize + 4
        for index in stride(from: 0, to: chart.labels.count, by: step) {
            svg.element("text", [("x", ChartCoordinate.format(x.centre(index))), ("y", ChartCoordinate.format(baseline)),
                                 ("text-anchor", "middle"), ("fill", ChartPalette.text)], content: chart.labels[index])
        }
        svg.close("g")
    }

    /// "Label — Series: value", the tooltip of one mark.
    func tooltip(index: Int, series: ChartSeries, value: Double) -> String {
        "\(chart.labels[index]) — \(series.name): \(chart.unit.format(value))"
    }
}
