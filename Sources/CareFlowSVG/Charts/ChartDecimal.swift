/// Decimal numbers written from integers, never through `Double.description` or a locale: the
/// same digits on every platform and every run, so a chart's bytes depend on its data alone.
enum ChartDecimal {
    /// `significand × 10^exponent` with a "," between thousands; a negative exponent gives that
    /// many fraction digits (5, -2 → "0.05").
    static func format(significand: Int, exponent: Int) -> String {
        let negative = significand < 0
        // `magnitude` is a UInt, so Int.min has no overflow.
        var digits = String(significand.magnitude)
        var fraction = ""
        if exponent >= 0 {
            if significand != 0 { digits += String(repeating: "0", count: exponent) }
        } else {
            let places = -exponent
            if digits.count <= places { digits = String(repeating: "0", count: places + 1 - digits.count) + digits }
            fraction = String(digits.suffix(places))
            digits = String(digits.dropLast(places))
        }
        let sign = negative ? "-" : ""
        return sign + grouped(digits) + (fraction.isEmpty ? "" : "." + fraction)
    }

    /// `value` rounded half away from zero to `decimals` fraction digits.
    static func format(_ value: Double, decimals: Int) -> String {
        format(significand: scaled(value, decimals: decimals), exponent: -decimals)
    }

    /// Like `format(_:decimals:)` but without trailing fraction zeros ("12.50" → "12.5", "3.00" → "3").
    static func trimmed(_ value: Double, maximumDecimals: Int) -> String {
        var significand = scaled(value, decimals: maximumDecimals)
        var exponent = -maximumDecimals
        while exponent < 0, significand % 10 == 0 {
            significand /= 10
            exponent += 1
        }
        return format(significand: significand, exponent: exponent)
    }

    /// `value × 10^decimals` as an integer; beyond ±10^15 (no chart shows such numbers, and a
    /// Double no longer holds every integer there) the value is clamped.
    private static func scaled(_ value: Double, decimals: Int) -> Int {
        var product = value
        for _ in 0..<max(0, decimals) { product *= 10 }
        let limit = 1e15
        return Int(min(max(product, -limit), limit).rounded(.toNearestOrAwayFromZero))
    }

    private static func grouped(_ digits: String) -> String {
        var out = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { out += "," }
            out.append(digit)
        }
        return out
    }
}
