/// Typed reads of a `JSONValue`, `nil` when it holds something else.
extension JSONValue {
    public var stringValue: String? { if case .string(let s) = self { s } else { nil } }
    public var doubleValue: Double? { if case .number(let n) = self { n } else { nil } }
    public var intValue: Int? {
        if case .number(let n) = self, n.rounded() == n, let i = Int(exactly: n) { i } else { nil }
    }
    public var boolValue: Bool? { if case .bool(let b) = self { b } else { nil } }
    public var arrayValue: [JSONValue]? { if case .array(let a) = self { a } else { nil } }
    public var objectValue: [String: JSONValue]? { if case .object(let o) = self { o } else { nil } }
}
