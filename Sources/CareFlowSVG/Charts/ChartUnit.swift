/// What the y values are, which decides the axis ticks and how a value is written.
public enum ChartUnit: Sendable, Equatable {
    /// A number of things (admissions, appointments): ticks are whole numbers.
    case count
    /// A ratio from 0 to 1 (occupancy, no-show rate), written as a percentage.
    case fraction
    /// Money in minor units (cents) of one currency; `minorUnits` is the currency's number of
    /// fraction digits (2 for USD, 0 for RWF, 3 for KWD).
    case money(currencyCode: String, minorUnits: Int)

    /// The value as read by a person: "12", "12.5%", "1,234.56 USD".
    public func format(_ value: Double) -> String {
        switch self {
        case .count:
            return ChartDecimal.trimmed(value, maximumDecimals: 2)
        case .fraction:
            return ChartDecimal.trimmed(value * 100, maximumDecimals: 1) + "%"
        case .money(let code, _):
            return ChartDecimal.format(significand: Int(clamped(value).rounded(.toNearestOrAwayFromZero)), exponent: -digits) + " " + code
        }
    }

    /// A tick's label, from its exact decimal `significand × 10^exponent` in the value's units.
    func tickLabel(significand: Int, exponent: Int) -> String {
        switch self {
        case .count: return ChartDecimal.format(significand: significand, exponent: exponent)
        case .fraction: return ChartDecimal.format(significand: significand, exponent: exponent + 2) + "%"
        case .money:
            // A step below one major unit shows all the currency's fraction digits ("0.50", not
            // "0.5"); money ticks never step by less than one minor unit, so `exponent` ≥ 0.
            guard exponent < digits else { return ChartDecimal.format(significand: significand, exponent: exponent - digits) }
            var minor = significand
            for _ in 0..<max(0, exponent) { minor *= 10 }
            return ChartDecimal.format(significand: minor, exponent: -digits)
        }
    }

    /// Written once above the y axis: the currency, which the tick labels leave out.
    var axisCaption: String? {
        if case .money(let code, _) = self { return code }
        return nil
    }

    /// The smallest tick step as a power of ten: one thing, one minor unit, 0.01 %.
    var minimumStepExponent: Int {
        switch self {
        case .count, .money: return 0
        case .fraction: return -4
        }
    }

    /// The axis span when every value is zero: one thing, 100 %, one major unit.
    var spanWhenFlat: Double {
        switch self {
        case .count, .fraction: return 1
        case .money: return ChartPowerOfTen.value(1, exponent: digits)
        }
    }

    /// Fraction digits of the currency, bounded: the code comes from configuration, and no
    /// currency has more than four.
    private var digits: Int {
        if case .money(_, let minorUnits) = self { return min(max(minorUnits, 0), 4) }
        return 0
    }

    private func clamped(_ value: Double) -> Double {
        value.isFinite ? min(max(value, -1e15), 1e15) : 0
    }
}
