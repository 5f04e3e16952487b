/// Predicted against observed risk in ten equal-width probability bins.
public struct CalibrationBin: Sendable, Codable, Equatable {
    public let lower: Double
    public let upper: Double
    public let count: Int
    public let meanPredicted: Double?
    public let observedRate: Double?

    public static func table(probabilities: [Double], labels: [Double], bins: Int = 10) -> [CalibrationBin] {
        var counts = [Int](repeating: 0, count: bins)
        var predicted = [Double](repeating: 0, count: bins)
        var observed = [Double](repeating: 0, count: bins)
        for (p, y) in zip(probabilities, labels) {
            let bin = min(Int(p * Double(bins)), bins - 1)
            counts[bin] += 1
            predicted[bin] += p
            observed[bin] += y
        }
        return (0..<bins).map { bin in
            let n = Double(counts[bin])
            return CalibrationBin(
                lower: Double(bin) / Double(bins), upper: Double(bin + 1) / Double(bins), count: counts[bin],
                meanPredicted: counts[bin] > 0 ? predicted[bin] / n : nil,
                observedRate: counts[bin] > 0 ? observed[bin] / n : nil)
        }
    }
}
