import Foundation

/// ISO 4217 currency codes as CareFlow stores them: three lowercase letters (`usd`, `rwf`), the
/// spelling payment providers use.
public enum CurrencyCode {
    /// Whether `code` is three lowercase letters naming a currency ISO 4217 knows. Where the
    /// platform's locale data lists no currencies at all, the shape alone decides.
    public static func isValid(_ code: String) -> Bool {
        guard code.wholeMatch(of: /[a-z]{3}/) != nil else { return false }
        return known.isEmpty || known.contains(code)
    }

    private static let known: Set<String> = Set(Locale.Currency.isoCurrencies.map { $0.identifier.lowercased() })
}
