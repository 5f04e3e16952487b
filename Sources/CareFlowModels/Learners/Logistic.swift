import Foundation

/// The logistic function and its stable companions, shared by learners, calibration and metrics.
enum Logistic {
    @inline(__always)
    static func sigmoid(_ z: Double) -> Double {
        z >= 0 ? 1 / (1 + exp(-z)) : exp(z) / (1 + exp(z))
    }

    /// log(1 + e^z) without overflow.
    @inline(__always)
    static func softplus(_ z: Double) -> Double {
        max(z, 0) + log1p(exp(-abs(z)))
    }

    static func logit(_ p: Double) -> Double {
        let clipped = min(max(p, 1e-15), 1 - 1e-15)
        return log(clipped / (1 - clipped))
    }
}
