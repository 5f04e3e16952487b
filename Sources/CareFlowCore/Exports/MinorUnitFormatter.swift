/// Amounts in a currency's minor unit shown as people read them: 12345 usd → "123.45 USD",
/// 5000 rwf → "5000 RWF" (a zero-decimal currency), 1234 kwd → "1.234 KWD". The exponents are
/// ISO 4217's (as card payment providers use them); a currency not listed has two decimals.
public enum MinorUnitFormatter {
    static let zeroDecimal: Set<String> = ["bif", "clp", "djf", "gnf", "isk", "jpy", "kmf", "krw", "mga", "pyg", "rwf",
                                           "ugx", "vnd", "vuv", "xaf", "xof", "xpf"]
    static let threeDecimal: Set<String> = ["bhd", "iqd", "jod", "kwd", "lyd", "omr", "tnd"]

    public static func decimals(of currency: String) -> Int {
        let code = currency.lowercased()
        if zeroDecimal.contains(code) { return 0 }
        if threeDecimal.contains(code) { return 3 }
        return 2
    }

    /// The amount without the currency code: "123.45", "-0.05", "5000".
    public static func amount(_ minor: Int, currency: String) -> String {
        let places = decimals(of: currency)
        let magnitude = minor.magnitude
        let sign = minor < 0 ? "-" : ""
        guard places > 0 else { return sign + String(magnitude) }
        var divisor: UInt = 1
        for _ in 0..<places { divisor *= 10 }
        let fraction = String(magnitude % divisor)
        return sign + String(magnitude / divisor) + "." + String(repeating: "0", count: places - fraction.count) + fraction
    }

    /// "123.45 USD".
    public static func format(_ minor: Int, currency: String) -> String {
        amount(minor, currency: currency) + " " + currency.uppercased()
    }
}
