/// The lines of a line chart. A nil value ends the current subpath and the next value starts a
/// new one (`M`), so a gap in the data is a gap on the page, never a line drawn through it.
/// Points get a dot with a tooltip while there is room for them; a point with no neighbour
/// always gets one, since a one-point subpath draws nothing.
struct LineMarks {
    let renderer: ChartRenderer

    /// Beyond this many labels the dots would merge into the line.
    static let dotLimit = 62

    func draw(into svg: inout ChartMarkup) {
        let chart = renderer.chart
        for (seriesIndex, series) in chart.series.enumerated() {
            let colour = ChartPalette.colour(at: seriesIndex)
            var path = ""
            var previous: Double?
            for index in chart.labels.indices {
                let value = series.value(at: index)
                if let value {
                    let command = previous != nil ? " L" : (path.isEmpty ? "M" : " M")
                    path += command + point(index, value)
                }
                previous = value
            }
            svg.open("g", [("class", "series s\(seriesIndex)")])
            if !path.isEmpty {
                svg.empty("path", [("class", "line"), ("d", path), ("fill", "none"), ("stroke", colour), ("stroke-width", "2"),
                                   ("stroke-linejoin", "round"), ("stroke-linecap", "round")])
            }
            for index in chart.labels.indices {
                guard let value = series.value(at: index) else { continue }
                let isolated = series.value(at: index - 1) == nil && series.value(at: index + 1) == nil
                guard isolated || chart.labels.count <= Self.dotLimit else { continue }
                svg.open("circle", [("class", "point"), ("cx", ChartCoordinate.format(renderer.x.centre(index))),
                                    ("cy", ChartCoordinate.format(renderer.y.y(value))), ("r", "2.5"), ("fill", colour)])
                svg.element("title", content: renderer.tooltip(index: index, series: series, value: value))
                svg.close("circle")
            }
            svg.close("g")
        }
    }

    private func point(_ index: Int, _ value: Double) -> String {
        ChartCoordinate.format(renderer.x.centre(index)) + " " + ChartCoordinate.format(renderer.y.y(value))
    }
}
