extension Deidentifier.Redacted {
    /// The placeholders put back into every string of a structured answer (keys are the
    /// schema's, never the patient's, so they stay as they are).
    public func restore(_ value: JSONValue) -> JSONValue {
        guard !placeholders.isEmpty else { return value }
        switch value {
        case .string(let text): return .string(restore(text))
        case .array(let items): return .array(items.map(restore))
        case .object(let fields): return .object(fields.mapValues(restore))
        case .null, .bool, .number: return value
        }
    }
}
