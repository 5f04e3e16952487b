/// One named line, or one layer of the stacked bars: a value per x label, nil where there is no
/// data (drawn as a gap, never as zero).
public struct ChartSeries: Sendable, Equatable {
    public let name: String
    public let values: [Double?]

    public init(name: String, values: [Double?]) {
        self.name = name
        self.values = values
    }

    /// The value at `index`; nil past the end and for a value that is not a finite number, so
    /// a short array or a NaN from a division is a gap, not a broken path.
    func value(at index: Int) -> Double? {
        guard values.indices.contains(index), let value = values[index], value.isFinite else { return nil }
        return value
    }
}
