import Foundation

/// Reads typed fields out of a JSON object while collecting every problem, so a 422 names all
/// bad fields. Call `finish()` once all fields are read; it throws if anything was wrong,
/// including fields the endpoint does not know (a typo must not be silently ignored).
public struct FieldReader {
    private let object: [String: JSONValue]
    private var seen: Set<String> = []
    public private(set) var errors: [FieldError] = []

    public init(_ object: [String: JSONValue]) {
        self.object = object
    }

    public mutating func fail(_ field: String, _ reason: String) {
        errors.append(FieldError(field: field, reason: reason))
    }

    private mutating func raw(_ key: String, required: Bool) -> JSONValue? {
        seen.insert(key)
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
        guard let value = raw(key, required: required) else { return nil }
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
        guard let value = raw(key, required: required) else { return nil }
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
        string(
            key, required: required, maxLength: 254,
            pattern: #"^[^@\s]+@[^@\s]+\.[^@\s]+$"#, patternHint: "must be an email address"
        )?.lowercased()
    }

    public mutating func bool(_ key: String, required: Bool = true) -> Bool? {
        guard let value = raw(key, required: required) else { return nil }
        guard case .bool(let b) = value else {
            fail(key, "must be a boolean, not \(value.typeName)")
            return nil
        }
        return b
    }

    public mutating func uuid(_ key: String, required: Bool = true) -> UUID? {
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
        guard let value = raw(key, required: required) else { return nil }
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
        guard let value = raw(key, required: required) else { return nil }
        guard case .object(let inner) = value else {
            fail(key, "must be an object, not \(value.typeName)")
            return nil
        }
        return nestedRead(prefix: key, inner, body)
    }

    /// An array of objects, each read by `body`; problems are reported as `key[i].field`.
    public mutating func objectArray<T>(_ key: String, maxCount: Int = 100, _ body: (inout FieldReader) -> T?) -> [T]? {
        guard let value = raw(key, required: false) else { return nil }
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
        guard let value = raw(key, required: false) else { return nil }
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
        guard let value = raw(key, required: required) else { return nil }
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

    /// Whether the body names the field at all (PATCH: absent = unchanged).
    public func has(_ key: String) -> Bool {
        object[key] != nil
    }

    /// Whether the object has no member at all (a PATCH that changes nothing).
    public var isEmpty: Bool { object.isEmpty }

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
