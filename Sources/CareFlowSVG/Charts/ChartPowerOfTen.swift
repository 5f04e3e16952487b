/// `n × 10^exponent` as the Double nearest to that decimal. Multiplying or dividing by an exact
/// power of ten (exact up to 10^22) rounds once, so 15 × 10^-2 is the same Double as the literal
/// 0.15 — which repeated `0.05 + 0.05 + …` is not.
enum ChartPowerOfTen {
    static func value(_ n: Int, exponent: Int) -> Double {
        let power = powerOfTen(min(abs(exponent), 22))
        return exponent >= 0 ? Double(n) * power : Double(n) / power
    }

    private static func powerOfTen(_ exponent: Int) -> Double {
        var result = 1.0
        for _ in 0..<exponent { result *= 10 }
        return result
    }
}
