import Foundation

/// Platt scaling: calibrated probability = σ(a·logit + b), fitted by Newton's method on
/// held-out logits with Platt's smoothed targets (as scikit-learn's `CalibratedClassifierCV`).
public struct PlattScaling: Sendable, Codable, Equatable {
    public let slope: Double
    public let intercept: Double

    public static let identity = PlattScaling(slope: 1, intercept: 0)

    public init(slope: Double, intercept: Double) {
        self.slope = slope
        self.intercept = intercept
    }

    @inline(__always)
    public func probability(logit: Double) -> Double { Logistic.sigmoid(slope * logit + intercept) }

    public static func fit(logits: [Double], labels: [Double]) -> PlattScaling {
        let positives = labels.reduce(0, +)
        let negatives = Double(labels.count) - positives
        let high = (positives + 1) / (positives + 2)
        let low = 1 / (negatives + 2)
        let targets = labels.map { $0 == 1 ? high : low }
        var a = 1.0, b = 0.0
        func loss(_ a: Double, _ b: Double) -> Double {
            zip(logits, targets).reduce(0) { sum, pair in
                let z = a * pair.0 + b
                return sum + Logistic.softplus(z) - pair.1 * z
            }
        }
        var current = loss(a, b)
        // Gradients are sums over all rows, so their rounding floor grows with the row count.
        let tolerance = 1e-9 * max(1, Double(logits.count))
        for _ in 0..<100 {
            var ga = 0.0, gb = 0.0, haa = 1e-12, hab = 0.0, hbb = 1e-12
            for (s, t) in zip(logits, targets) {
                let p = Logistic.sigmoid(a * s + b)
                let w = p * (1 - p)
                ga += (p - t) * s
                gb += p - t
                haa += w * s * s
                hab += w * s
                hbb += w
            }
            if max(abs(ga), abs(gb)) < tolerance { break }
            let determinant = haa * hbb - hab * hab
            guard determinant > 0 else { break }
            let stepA = (hbb * ga - hab * gb) / determinant
            let stepB = (haa * gb - hab * ga) / determinant
            var length = 1.0
            var improved = false
            for _ in 0..<30 {
                let candidate = loss(a - length * stepA, b - length * stepB)
                if candidate <= current {
                    a -= length * stepA
                    b -= length * stepB
                    current = candidate
                    improved = true
                    break
                }
                length /= 2
            }
            if !improved || max(abs(stepA), abs(stepB)) * length < 1e-12 { break }
        }
        return PlattScaling(slope: a, intercept: b)
    }
}
