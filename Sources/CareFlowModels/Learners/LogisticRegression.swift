import Foundation

/// L2-regularised logistic regression minimising scikit-learn's `LogisticRegression` objective
/// ½‖w‖² + C·Σ log-loss (intercept not penalised), so coefficients and AUCs match it.
/// Solved by Newton's method (IRLS) with a backtracking line search: the problem is small
/// (≤ 100 columns), the Hessian is positive definite, and Newton reaches the optimum to machine
/// precision in a handful of steps, which L-BFGS's default tolerances do not.
public struct LogisticRegression: Sendable, Codable, Equatable {
    public struct Parameters: Sendable, Codable, Equatable {
        /// Inverse regularisation strength, scikit-learn's `C`.
        public var inverseRegularization = 1.0
        public var maxIterations = 100
        /// Stop when the largest gradient component falls below this times C·n.
        public var gradientTolerance = 1e-9
        /// …or when a Newton step moves no weight by more than this.
        public var stepTolerance = 1e-10

        public init() {}
    }

    public let intercept: Double
    public let coefficients: [Double]
    public let iterations: Int

    @inline(__always)
    public func logit(_ row: UnsafeBufferPointer<Double>) -> Double {
        var z = intercept
        for index in 0..<coefficients.count { z += coefficients[index] * row[index] }
        return z
    }

    public func logits(_ x: Matrix) -> [Double] {
        x.values.withUnsafeBufferPointer { values in
            (0..<x.rows).map { row in
                logit(UnsafeBufferPointer(rebasing: values[(row * x.columns)..<((row + 1) * x.columns)]))
            }
        }
    }

    public static func fit(_ x: Matrix, labels y: [Double], parameters: Parameters = Parameters()) -> LogisticRegression {
        let n = x.rows, d = x.columns, p = d + 1  // last weight is the intercept
        let c = parameters.inverseRegularization
        var weights = [Double](repeating: 0, count: p)
        // Start from the prevalence: saves Newton steps on imbalanced outcomes.
        let prevalence = min(max(y.reduce(0, +) / Double(max(n, 1)), 1e-6), 1 - 1e-6)
        weights[d] = log(prevalence / (1 - prevalence))
        // The gradient is a sum over n rows, so its rounding floor grows with n.
        let gradientTolerance = parameters.gradientTolerance * max(1, c * Double(n))
        var iterations = 0

        func objective(_ w: [Double]) -> Double {
            var loss = 0.0
            x.values.withUnsafeBufferPointer { values in
                for row in 0..<n {
                    var z = w[d]
                    let base = row * d
                    for column in 0..<d { z += w[column] * values[base + column] }
                    loss += Logistic.softplus(z) - y[row] * z
                }
            }
            var penalty = 0.0
            for column in 0..<d { penalty += w[column] * w[column] }
            return 0.5 * penalty + c * loss
        }

        let columnFloor = columnMinima(x)
        var current = objective(weights)
        while iterations < parameters.maxIterations {
            iterations += 1
            let (dataGradient, dataHessian) = curvature(x, labels: y, weights: weights, c: c, columnFloor: columnFloor)
            var gradient = dataGradient
            var hessian = dataHessian
            for column in 0..<d {
                gradient[column] += weights[column]
                hessian[column * p + column] += 1
            }
            if gradient.map(abs).max()! < gradientTolerance { break }
            guard let step = CholeskySolver.solve(lowerTriangle: hessian, size: p, rightHandSide: gradient) else { break }
            var length = 1.0
            var accepted = false
            for _ in 0..<30 {
                let candidate = zip(weights, step).map { $0 - length * $1 }
                let value = objective(candidate)
                if value <= current {
                    accepted = true
                    weights = candidate
                    current = value
                    break
                }
                length *= 0.5
            }
            if !accepted { break }
            // Weights are on the standardised scale, so 1e-10 is far below anything that moves a prediction.
            if step.map(abs).max()! * length < parameters.stepTolerance { break }
        }
        return LogisticRegression(intercept: weights[d], coefficients: Array(weights[0..<d]), iterations: iterations)
    }
    /// Each column's smallest value. One-hot, indicator and count columns sit at their minimum in
    /// most rows, so a row's deviations from these minima are mostly zero.
    private static func columnMinima(_ x: Matrix) -> [Double] {
        var minima = [Double](repeating: .infinity, count: x.columns)
        x.values.withUnsafeBufferPointer { values in
            for row in 0..<x.rows {
                for column in 0..<x.columns { minima[column] = min(minima[column], values[row * x.columns + column]) }
            }
        }
        return minima
    }

    /// Gradient and Hessian (lower triangle) of C·Σ log-loss over the rows, intercept last.
    ///
    /// With each row written as x = f + z (f the column minima, z mostly zero), the Hessian
    /// Σ wᵢxᵢxᵢᵀ = Σ wᵢzᵢzᵢᵀ + s·fᵀ + f·sᵀ + (Σ wᵢ)·f·fᵀ with s = Σ wᵢzᵢ. Only the non-zero pairs of
    /// each zᵢ are accumulated: on the readmission data (83 columns, ~20 non-zero deviations per
    /// row) that is about fifteen times less work than the dense outer products. The gradient is
    /// computed densely, so the optimum Newton converges to is exact whatever the Hessian's rounding.
    private static func curvature(
        _ x: Matrix, labels y: [Double], weights: [Double], c: Double, columnFloor floor: [Double]
    ) -> (gradient: [Double], hessian: [Double]) {
        let n = x.rows, d = x.columns, p = d + 1
        var gradient = [Double](repeating: 0, count: p)
        var sparse = [Double](repeating: 0, count: p * p)
        var weightedDeviation = [Double](repeating: 0, count: p)
        var totalWeight = 0.0
        var nonZeroColumns = [Int](repeating: 0, count: d)
        var nonZeroValues = [Double](repeating: 0, count: d)
        x.values.withUnsafeBufferPointer { values in
            sparse.withUnsafeMutableBufferPointer { h in
                for row in 0..<n {
                    let base = row * d
                    var z = weights[d]
                    for column in 0..<d { z += weights[column] * values[base + column] }
                    let probability = Logistic.sigmoid(z)
                    let residual = c * (probability - y[row])
                    let weight = c * probability * (1 - probability)
                    var count = 0
                    for column in 0..<d {
                        let value = values[base + column]
                        gradient[column] += residual * value
                        let deviation = value - floor[column]
                        if deviation != 0 {
                            nonZeroColumns[count] = column
                            nonZeroValues[count] = deviation
                            count += 1
                        }
                    }
                    gradient[d] += residual
                    totalWeight += weight
                    for k in 0..<count {
                        let a = nonZeroColumns[k]
                        let scaled = weight * nonZeroValues[k]
                        weightedDeviation[a] += scaled
                        let target = a * p
                        for m in 0...k { h[target + nonZeroColumns[m]] += scaled * nonZeroValues[m] }
                    }
                }
            }
        }
        // The intercept's column is constantly 1: floor 1, no deviation.
        var shift = floor
        shift.append(1)
        var hessian = [Double](repeating: 0, count: p * p)
        for a in 0..<p {
            for b in 0...a {
                hessian[a * p + b] = sparse[a * p + b] + weightedDeviation[a] * shift[b]
                    + shift[a] * weightedDeviation[b] + totalWeight * shift[a] * shift[b]
            }
        }
        return (gradient, hessian)
    }
}

/// Solves A·x = b for a symmetric positive-definite A given by its lower triangle (row-major).
enum CholeskySolver {
    static func solve(lowerTriangle a: [Double], size n: Int, rightHandSide b: [Double]) -> [Double]? {
        var l = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in 0...i {
                var sum = a[i * n + j]
                for k in 0..<j { sum -= l[i * n + k] * l[j * n + k] }
                if i == j {
                    guard sum > 0 else { return nil }
                    l[i * n + i] = sum.squareRoot()
                } else {
                    l[i * n + j] = sum / l[j * n + j]
                }
            }
        }
        var y = [Double](repeating: 0, count: n)
        for i in 0..<n {
            var sum = b[i]
            for k in 0..<i { sum -= l[i * n + k] * y[k] }
            y[i] = sum / l[i * n + i]
        }
        var x = [Double](repeating: 0, count: n)
        for i in stride(from: n - 1, through: 0, by: -1) {
            var sum = y[i]
            for k in (i + 1)..<n { sum -= l[k * n + i] * x[k] }
            x[i] = sum / l[i * n + i]
        }
        return x
    }
}
