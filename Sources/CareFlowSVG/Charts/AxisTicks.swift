/// The y axis's ticks: "nice" steps (1, 2 or 5 × 10^n) from a round number at or below the
/// smallest value to one at or above the largest, always including zero — bars grow from zero,
/// and a line whose axis started at 40 % would make a small change look like a big one.
public struct AxisTicks: Sendable, Equatable {
    /// Ascending, at least two, evenly spaced; the first and last are the axis's bounds.
    public let values: [Double]
    /// One per value, written for `unit` ("25%", "1,000", "12.50").
    public let labels: [String]

    public var lower: Double { values[0] }
    public var upper: Double { values[values.count - 1] }

    /// Ticks covering `minimum...maximum` and zero in about `targetIntervals` steps.
    public init(covering minimum: Double, _ maximum: Double, unit: ChartUnit, targetIntervals: Int = 5) {
        let bound = 1e15
        var low = min(0, max(-bound, minimum.isFinite ? minimum : 0))
        var high = max(0, min(bound, maximum.isFinite ? maximum : 0))
        if low > high { swap(&low, &high) }
        if high - low == 0 { high = unit.spanWhenFlat }
        let step = Self.niceStep(for: (high - low) / Double(max(1, targetIntervals)), minimumExponent: unit.minimumStepExponent)
        let stepValue = ChartPowerOfTen.value(step.mantissa, exponent: step.exponent)
        // The tolerance keeps a maximum that is exactly a tick (20 on steps of 5) from getting
        // one more step through a rounding error in the division.
        let first = Int((low / stepValue + 1e-9).rounded(.down))
        let last = max(first + 1, Int((high / stepValue - 1e-9).rounded(.up)))
        values = (first...last).map { ChartPowerOfTen.value($0 * step.mantissa, exponent: step.exponent) }
        labels = (first...last).map { unit.tickLabel(significand: $0 * step.mantissa, exponent: step.exponent) }
    }

    /// The smallest of 1, 2, 5 × 10^n at least `raw`, as an exact mantissa and exponent.
    static func niceStep(for raw: Double, minimumExponent: Int) -> (mantissa: Int, exponent: Int) {
        guard raw.isFinite, raw > 0 else { return (1, minimumExponent) }
        var exponent = 0
        while exponent < 30, raw >= ChartPowerOfTen.value(1, exponent: exponent + 1) { exponent += 1 }
        while exponent > -30, raw < ChartPowerOfTen.value(1, exponent: exponent) { exponent -= 1 }
        let scaled = raw / ChartPowerOfTen.value(1, exponent: exponent)
        let slack = 1e-9
        var step: (mantissa: Int, exponent: Int)
        if scaled <= 1 + slack { step = (1, exponent) }
        else if scaled <= 2 + slack { step = (2, exponent) }
        else if scaled <= 5 + slack { step = (5, exponent) }
        else { step = (1, exponent + 1) }
        if step.exponent < minimumExponent { step = (1, minimumExponent) }
        return step
    }
}
