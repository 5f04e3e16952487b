/// A value for one feature: in a training row or in a prediction request.
public enum FeatureValue: Sendable, Hashable {
    case number(Double)
    case category(String)
    case missing

    /// The category level for the missing value of a categorical feature.
    public static let missingCategory = "missing"

    /// Category text for a numeric code: 6.0 → "6", so "6.0" in a CSV and 6 in JSON agree.
    static func categoryText(forCode value: Double) -> String {
        if value.rounded() == value, abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }
}
