/// Maps each column to at most `maxBins` ordered bins, as scikit-learn's `_BinMapper` does: with
/// few distinct values the thresholds are the midpoints between them, otherwise the midpoint
/// percentiles. A value goes to the first bin whose threshold it does not exceed, so
/// `bin ≤ b ⇔ value ≤ thresholds[b]` and trees can store thresholds in input units.
struct FeatureBinning: Sendable {
    /// Per column, ascending and distinct.
    let thresholds: [[Double]]

    var binCounts: [Int] { thresholds.map { $0.count + 1 } }

    init(fitting x: Matrix, rows: [Int], maxBins: Int) {
        thresholds = (0..<x.columns).map { column in
            let sorted = rows.map { x[$0, column] }.sorted()
            var distinct: [Double] = []
            for value in sorted where distinct.last != value { distinct.append(value) }
            var cuts: [Double] = []
            if distinct.count <= maxBins {
                for index in 0..<max(distinct.count - 1, 0) { cuts.append((distinct[index] + distinct[index + 1]) / 2) }
            } else {
                let last = Double(sorted.count - 1)
                for step in 1..<maxBins {
                    let position = Double(step) * 100 / Double(maxBins) / 100 * last
                    let low = Int(position.rounded(.down)), high = Int(position.rounded(.up))
                    let cut = (sorted[low] + sorted[high]) / 2
                    if cuts.last != cut { cuts.append(cut) }
                }
            }
            return cuts
        }
    }

    @inline(__always)
    static func bin(_ value: Double, _ cuts: [Double]) -> Int {
        var low = 0, high = cuts.count
        while low < high {
            let middle = (low + high) / 2
            if value <= cuts[middle] { high = middle } else { low = middle + 1 }
        }
        return low
    }

    /// Column-major bins of the given rows: `bins[column * rows.count + position]`.
    func binned(_ x: Matrix, rows: [Int]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: rows.count * x.columns)
        for column in 0..<x.columns {
            let cuts = thresholds[column]
            let base = column * rows.count
            for (position, row) in rows.enumerated() { out[base + position] = UInt8(Self.bin(x[row, column], cuts)) }
        }
        return out
    }
}
