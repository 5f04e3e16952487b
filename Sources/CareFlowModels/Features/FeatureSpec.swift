/// One model input: the name callers use, the dataset column it is read from, and how a cell
/// becomes a value.
public struct FeatureSpec: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Codable {
        /// A measurement or count: imputed, standardised, range-checked.
        case numeric
        /// A code from a fixed set: one-hot encoded. Numeric codes (e.g. chest-pain type 1–4)
        /// are accepted as numbers and turned into the category "1"…"4".
        case categorical
    }

    /// How a dataset cell is read.
    public enum CellEncoding: Sendable, Hashable {
        /// A number; `NA`, `?` and empty cells are missing.
        case number
        /// A number where 0 means "not measured" (Pima's glucose, blood pressure, skin, insulin, BMI).
        case numberWithZeroAsMissing
        /// An age bracket such as `[70-80)`, read as its midpoint in years.
        case ageBracketMidpoint
        /// Text mapped to numbers (e.g. `Yes` → 1, `No` → 0); anything else is missing.
        case mapped([String: Double])
        /// Kept as a category; `?` and empty cells become the category `missing`.
        case category
    }

    public let name: String
    public let column: String
    public let kind: Kind
    public let encoding: CellEncoding
    public let description: String
    /// Values outside this range are implausible and should be refused by the API before prediction.
    public let plausibleMin: Double?
    public let plausibleMax: Double?

    public init(
        _ name: String, column: String, kind: Kind = .numeric, encoding: CellEncoding = .number,
        description: String, plausible: ClosedRange<Double>? = nil
    ) {
        self.name = name
        self.column = column
        self.kind = kind
        self.encoding = encoding
        self.description = description
        self.plausibleMin = plausible?.lowerBound
        self.plausibleMax = plausible?.upperBound
    }
}

/// Which rows count as positive.
public struct TargetSpec: Sendable, Hashable, Codable {
    public let column: String
    /// Cells whose text is one of these are positive…
    public let positiveValues: [String]?
    /// …or, for numeric outcomes, cells whose number is greater than this.
    public let positiveAbove: Double?
    public let description: String

    public static func equals(_ column: String, _ values: [String], description: String) -> TargetSpec {
        TargetSpec(column: column, positiveValues: values, positiveAbove: nil, description: description)
    }

    public static func greaterThan(_ column: String, _ threshold: Double, description: String) -> TargetSpec {
        TargetSpec(column: column, positiveValues: nil, positiveAbove: threshold, description: description)
    }

    func isPositive(_ cell: String) -> Bool {
        if let positiveValues { return positiveValues.contains(cell) }
        if let positiveAbove, let value = Double(cell) { return value > positiveAbove }
        return false
    }
}

/// Stored as `{"type": "number"}` or `{"type": "mapped", "values": {...}}` so model files read plainly.
extension FeatureSpec.CellEncoding: Codable {
    private enum CodingKeys: String, CodingKey { case type, values }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(String.self, forKey: .type) {
        case "number": self = .number
        case "numberWithZeroAsMissing": self = .numberWithZeroAsMissing
        case "ageBracketMidpoint": self = .ageBracketMidpoint
        case "category": self = .category
        case "mapped": self = .mapped(try container.decode([String: Double].self, forKey: .values))
        case let other:
            throw DecodingError.dataCorruptedError(forKey: .type, in: container, debugDescription: "unknown cell encoding \(other)")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .number: try container.encode("number", forKey: .type)
        case .numberWithZeroAsMissing: try container.encode("numberWithZeroAsMissing", forKey: .type)
        case .ageBracketMidpoint: try container.encode("ageBracketMidpoint", forKey: .type)
        case .category: try container.encode("category", forKey: .type)
        case .mapped(let values):
            try container.encode("mapped", forKey: .type)
            try container.encode(values, forKey: .values)
        }
    }
}
