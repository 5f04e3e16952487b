import Foundation

/// Reads typed fields out of a JSON object while collecting every problem, so a 422 names all
/// bad fields. Call `finish()` once all fields are read; it throws if anything was wrong,
/// including fields the endpoint does not know (a typo must not be silently ignored).
///
/// The same reading code also documents itself: a reader made by `ValidatedFields.fieldSchema`
/// reads no object but records the JSON Schema of every field asked for, so the OpenAPI
/// schema of a body cannot drift from what its handler accepts.
public struct FieldReader {
    private let object: [String: JSONValue]
    private var seen: Set<String> = []
    public private(set) var errors: [FieldError] = []
    /// Set when describing instead of reading; the descriptions passed to `raw` are built only then.
    private let schema: FieldSchemaRecorder?

    public init(_ object: [String: JSONValue]) {
        self.object = object
        schema = nil
    }

    init(describingInto recorder: FieldSchemaRecorder) {
        object = [:]
        schema = recorder
    }

    public mutating func fail(_ field: String, _ reason: String) {
        guard let schema else {
            errors.append(FieldError(field: field, reason: reason))
            return
        }
        // A body that refuses a missing or null field by hand documents it as required.
        if reason == "is required" { schema.require(field) }
    }

    /// Adds to the schema recorded for `key` when describing: a constraint the body checks by
    /// hand right after reading the field (a narrower enumeration, a date format).
    public func refine(_ key: String, _ extra: [String: JSONValue]) {
        schema?.refine(key, extra)
    }

    private mutating func raw(_ key: String, required: Bool, _ describe: @autoclosure () -> [String: JSONValue]) -> JSONValue? {
        seen.insert(key)
        if let schema {
            schema.add(key, describe(), required: required)
            return nil
        }
        guard let value = object[key], value != .null else {
            if required { fail(key, "is required") }
            return nil
        }
        return value
    }

    public mutating func string(
        _ key: String, required: Bool = true, maxLength: Int = 200, pattern: String? = nil,
        patternHint: String = "has an invalid format"
    ) -> String? {
        guard let value = raw(key, required: required, Self.describeString(maxLength: maxLength, pattern: pattern)) else { return nil }
        guard case .string(let s) = value else {
            fail(key, "must be a string, not \(value.typeName)")
            return nil
        }
        let trimmed = s.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty {
            fail(key, "must not be empty")
            return nil
        }
        if trimmed.count > maxLength {
            fail(key, "must be at most \(maxLength) characters")
            return nil
        }
        if let pattern, trimmed.range(of: pattern, options: .regularExpression) == nil {
            fail(key, patternHint)
            return nil
        }
        return trimmed
    }

    /// A string passed through unchanged (passwords keep their spaces).
    public mutating func secret(_ key: String, required: Bool = true, maxLength: Int = 1024) -> String? {
        guard let value = raw(key, required: required, ["type": .string("string"), "minLength": .number(1)]) else { return nil }
        guard case .string(let s) = value, !s.isEmpty else {
            fail(key, value.typeName == "string" ? "must not be empty" : "must be a string, not \(value.typeName)")
            return nil
        }
        if s.utf8.count > maxLength {
            fail(key, "must be at most \(maxLength) bytes")
            return nil
        }
        return s
    }

    public mutating func email(_ key: String, required: Bool = true) -> String? {
        defer { refine(key, ["format": .string("email")]) }
        return string(
            key, required: required, maxLength: 254,
            pattern: #"^[^@\s]+@[^@\s]+\.[^@\s]+$"#, patternHint: "must be an email address"
        )?.lowercased()
    }

    public mutating func bool(_ key: String, required: Bool = true) -> Bool? {
        guard let value = raw(key, required: required, ["type": .string("boolean")]) else { return nil }
        guard case .bool(let b) = value else {
            fail(key, "must be a boolean, not \(value.typeName)")
            return nil
        }
        return b
    }

    public mutating func uuid(_ key: String, required: Bool = true) -> UUID? {
        defer { refine(key, ["format": .string("uuid")]) }
        guard let s = string(key, required: required, maxLength: 36) else { return nil }
        guard let id = UUID(uuidString: s) else {
            fail(key, "must be a UUID")
            return nil
        }
        return id
    }

    public mutating func enumeration<E: RawRepresentable & CaseIterable>(
        _ key: String, _ type: E.Type, required: Bool = true
    ) -> E? where E.RawValue == String {
        defer { refine(key, ["enum": .array(E.allCases.map { .string($0.rawValue) })]) }
        guard let s = string(key, required: required, maxLength: 64) else { return nil }
        guard let e = E(rawValue: s) else {
            fail(key, "must be one of: " + E.allCases.map(\.rawValue).joined(separator: ", "))
            return nil
        }
        return e
    }

    /// A non-empty array of enumeration values; each bad element is named by index.
    public mutating func enumerationArray<E: RawRepresentable & CaseIterable & Hashable>(
        _ key: String, _ type: E.Type, required: Bool = true, allowEmpty: Bool = false
    ) -> [E]? where E.RawValue == String {
        let item = { ["type": JSONValue.string("string"), "enum": .array(E.allCases.map { .string($0.rawValue) })] }
        guard let value = raw(key, required: required, Self.describeArray(of: item(), maxItems: 32, minItems: allowEmpty ? 0 : 1))
        else { return nil }
        guard case .array(let items) = value else {
            fail(key, "must be an array, not \(value.typeName)")
            return nil
        }
        if items.isEmpty && !allowEmpty {
            fail(key, "must not be empty")
            return nil
        }
        if items.count > 32 {
            fail(key, "must have at most 32 elements")
            return nil
        }
        var result: [E] = []
        var ok = true
        for (i, item) in items.enumerated() {
            guard case .string(let s) = item, let e = E(rawValue: s) else {
                fail("\(key)[\(i)]", "must be one of: " + E.allCases.map(\.rawValue).joined(separator: ", "))
                ok = false
                continue
            }
            if !result.contains(e) { result.append(e) }
        }
        return ok ? result : nil
    }

    /// A nested object read by `body`; its problems are reported as `key.field`.
    public mutating func object<T>(_ key: String, required: Bool = false, _ body: (inout FieldReader) -> T?) -> T? {
        if schema != nil { return describeNested(key, required: required) { FieldSchemaRecorder.describe(body) } }
        guard let value = raw(key, required: required, [:]) else { return nil }
        guard case .object(let inner) = value else {
            fail(key, "must be an object, not \(value.typeName)")
            return nil
        }
        return nestedRead(prefix: key, inner, body)
    }

    /// An array of objects, each read by `body`; problems are reported as `key[i].field`.
    public mutating func objectArray<T>(_ key: String, maxCount: Int = 100, _ body: (inout FieldReader) -> T?) -> [T]? {
        if schema != nil {
            return describeNested(key, required: false) { Self.describeArray(of: FieldSchemaRecorder.describe(body), maxItems: maxCount) }
        }
        guard let value = raw(key, required: false, [:]) else { return nil }
        guard case .array(let items) = value else {
            fail(key, "must be an array, not \(value.typeName)")
            return nil
        }
        guard items.count <= maxCount else {
            fail(key, "must have at most \(maxCount) elements")
            return nil
        }
        var result: [T] = []
        for (i, item) in items.enumerated() {
            guard case .object(let inner) = item else {
                fail("\(key)[\(i)]", "must be an object, not \(item.typeName)")
                continue
            }
            if let t = nestedRead(prefix: "\(key)[\(i)]", inner, body) { result.append(t) }
        }
        return result.count == items.count ? result : nil
    }

    /// An array of non-empty strings.
    public mutating func stringArray(_ key: String, maxCount: Int = 100, maxLength: Int = 200) -> [String]? {
        let item = { ["type": JSONValue.string("string"), "minLength": .number(1), "maxLength": .number(Double(maxLength))] }
        guard let value = raw(key, required: false, Self.describeArray(of: item(), maxItems: maxCount)) else { return nil }
        guard case .array(let items) = value else {
            fail(key, "must be an array, not \(value.typeName)")
            return nil
        }
        guard items.count <= maxCount else {
            fail(key, "must have at most \(maxCount) elements")
            return nil
        }
        var result: [String] = []
        for (i, item) in items.enumerated() {
            guard case .string(let s) = item, !s.trimmingCharacters(in: .whitespaces).isEmpty, s.count <= maxLength else {
                fail("\(key)[\(i)]", "must be a non-empty string of at most \(maxLength) characters")
                continue
            }
            result.append(s.trimmingCharacters(in: .whitespaces))
        }
        return result.count == items.count ? result : nil
    }

    public mutating func integer(_ key: String, required: Bool = true, range: ClosedRange<Int>) -> Int? {
        let described = { ["type": JSONValue.string("integer"), "minimum": .number(Double(range.lowerBound)),
                           "maximum": .number(Double(range.upperBound))] }
        guard let value = raw(key, required: required, described()) else { return nil }
        guard case .number(let n) = value, n.rounded() == n, let i = Int(exactly: n) else {
            fail(key, "must be an integer, not \(value.typeName)")
            return nil
        }
        guard range.contains(i) else {
            fail(key, "must be between \(range.lowerBound) and \(range.upperBound)")
            return nil
        }
        return i
    }

    /// Whether the body names the field at all (PATCH: absent = unchanged). When describing,
    /// every field is taken as named, and a field required inside that branch is documented as
    /// optional but not nullable.
    public func has(_ key: String) -> Bool {
        guard let schema else { return object[key] != nil }
        schema.noteConditional(key)
        return true
    }

    /// Whether the body leaves the field out entirely (`null` is not left out). When describing,
    /// false, and the field is documented as required but nullable.
    public func lacks(_ key: String) -> Bool {
        guard let schema else { return object[key] == nil }
        schema.require(key, nullable: true)
        return false
    }

    /// Whether the object has no member at all (a PATCH that changes nothing).
    public var isEmpty: Bool { schema == nil && object.isEmpty }

    private static func describeString(maxLength: Int, pattern: String?) -> [String: JSONValue] {
        var described = ["type": JSONValue.string("string"), "maxLength": .number(Double(maxLength))]
        if let pattern { described["pattern"] = .string(pattern) }
        return described
    }

    private static func describeArray(of item: [String: JSONValue], maxItems: Int, minItems: Int = 0) -> [String: JSONValue] {
        var described = ["type": JSONValue.string("array"), "items": .object(item), "maxItems": .number(Double(maxItems))]
        if minItems > 0 { described["minItems"] = .number(Double(minItems)) }
        return described
    }

    private mutating func describeNested<T>(_ key: String, required: Bool, _ describe: () -> [String: JSONValue]) -> T? {
        seen.insert(key)
        schema?.add(key, describe(), required: required)
        return nil
    }

    private mutating func nestedRead<T>(prefix: String, _ inner: [String: JSONValue], _ body: (inout FieldReader) -> T?) -> T? {
        var sub = FieldReader(inner)
        let result = body(&sub)
        var subErrors = sub.errors
        for key in inner.keys.sorted() where !sub.seen.contains(key) {
            subErrors.append(FieldError(field: key, reason: "is not a known field"))
        }
        errors += subErrors.map { FieldError(field: "\(prefix).\($0.field)", reason: $0.reason) }
        return subErrors.isEmpty ? result : nil
    }

    /// Throws a validation error naming every bad and every unknown field.
    public func finish() throws(AppError) {
        var all = errors
        for key in object.keys.sorted() where !seen.contains(key) {
            all.append(FieldError(field: key, reason: "is not a known field"))
        }
        if !all.isEmpty { throw .validation(all) }
    }
}
