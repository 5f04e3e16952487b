/// A chart of values over consecutive periods (days, weeks, months), drawn by the server as SVG
/// for the console's dashboard: a line per series, or bars stacked by series.
///
/// The SVG has a `viewBox` and no fixed size, so it scales to its container (the console at
/// 390 px wide); colours are presentation attributes and classes, never `style` (the console's
/// Content-Security-Policy forbids inline style); all text is escaped; the same input gives the
/// same bytes.
public struct TimeSeriesChart: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// One line per series, broken where a value is nil.
        case line
        /// One bar per label, its series stacked: positive values upwards from zero, negative
        /// ones downwards (a refund-heavy day's net revenue).
        case stackedBars
    }

    public let title: String
    public let kind: Kind
    public let labels: [String]
    public let series: [ChartSeries]
    public let unit: ChartUnit
    /// Written across the plot when no series has a value; nil for none.
    public let emptyMessage: String?

    /// Values beyond `labels.count` are ignored and missing ones are gaps.
    public init(title: String, kind: Kind, labels: [String], series: [ChartSeries], unit: ChartUnit,
                emptyMessage: String? = "No data in this range") {
        self.title = title
        self.kind = kind
        self.labels = labels
        self.series = series
        self.unit = unit
        self.emptyMessage = emptyMessage
    }

    /// True when there is not one value to draw.
    public var isEmpty: Bool {
        !series.contains { s in labels.indices.contains { s.value(at: $0) != nil } }
    }

    /// The SVG document, to be inlined in HTML or served as `image/svg+xml`. `width` and
    /// `height` set the view box's proportions and the text's size relative to the chart.
    public func svg(width: Int = 640, height: Int = 280) -> String {
        ChartRenderer(chart: self, width: Double(min(max(width, 160), 4000)), height: Double(min(max(height, 120), 4000))).render()
    }

    /// The smallest and largest y the marks reach: the values themselves for lines, the
    /// stacks' totals (positive and negative apart) for bars.
    var valueRange: (min: Double, max: Double) {
        var low = 0.0
        var high = 0.0
        for index in labels.indices {
            switch kind {
            case .line:
                for s in series {
                    guard let value = s.value(at: index) else { continue }
                    low = min(low, value)
                    high = max(high, value)
                }
            case .stackedBars:
                let values = series.compactMap { $0.value(at: index) }
                low = min(low, values.filter { $0 < 0 }.reduce(0, +))
                high = max(high, values.filter { $0 > 0 }.reduce(0, +))
            }
        }
        return (low, high)
    }
}
