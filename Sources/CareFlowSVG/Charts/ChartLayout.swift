/// Where the parts of a chart go in a `width` × `height` view box: the legend across the top,
/// the y labels on the left, the x labels below, the plot in the rest. Margins are sized from
/// the estimated text widths so nothing is cut off at the edges.
struct ChartLayout {
    let width: Double
    let height: Double
    let legend: LegendLayout
    let plotLeft: Double
    let plotTop: Double
    let plotRight: Double
    let plotBottom: Double

    static let edge = 8.0
    static let lineHeight = 16.0

    init(width: Double, height: Double, yLabels: [String], xLabels: [String], legendNames: [String]) {
        self.width = width
        self.height = height
        legend = LegendLayout(names: legendNames, left: Self.edge, right: width - Self.edge, top: Self.edge)
        let widestY = yLabels.map(ChartTextMetrics.width(of:)).max() ?? 0
        // The first and last x labels are centred on their bands and may reach half their
        // width beyond the plot.
        let halfX = (xLabels.map(ChartTextMetrics.width(of:)).max() ?? 0) / 2
        plotLeft = max(widestY + 10, halfX + 2, 24)
        plotRight = width - max(12, halfX + 2)
        // Room under the legend for the unit caption, clear of the top tick's label, which
        // reaches half a line above the plot.
        plotTop = legend.bottom + Self.lineHeight + 8
        plotBottom = height - (ChartTextMetrics.fontSize + 12)
    }

    var plotWidth: Double { max(1, plotRight - plotLeft) }
    var plotHeight: Double { max(1, plotBottom - plotTop) }
}

/// The legend's entries flowed left to right, wrapping to a new row when the next would not fit.
struct LegendLayout {
    struct Entry {
        let name: String
        let x: Double
        let y: Double
    }

    static let swatch = 10.0
    static let spacing = 14.0

    let entries: [Entry]
    let bottom: Double

    init(names: [String], left: Double, right: Double, top: Double) {
        var entries: [Entry] = []
        var x = left
        var row = 0
        for name in names {
            let width = Self.swatch + 4 + ChartTextMetrics.width(of: name)
            if x > left, x + width > right {
                row += 1
                x = left
            }
            entries.append(Entry(name: name, x: x, y: top + Double(row) * ChartLayout.lineHeight))
            x += width + Self.spacing
        }
        self.entries = entries
        bottom = names.isEmpty ? top : top + Double(row + 1) * ChartLayout.lineHeight
    }
}
