/// Checks a JSON value against a JSON Schema, for the subset CareFlow writes (and that
/// OpenAI's strict structured outputs accept): `type` (one name or a list, `null` included),
/// `properties`, `required`, `additionalProperties` (`false` or a schema), `items`, `enum`,
/// `const`, `minItems`/`maxItems`, `minLength`/`maxLength`, `minimum`/`maximum`. Other keywords
/// are ignored. Used to never trust what a language model returns.
public enum JSONSchema {
    /// Every place the value breaks the schema; empty when it conforms.
    public static func violations(of value: JSONValue, against schema: JSONValue) -> [SchemaViolation] {
        var found: [SchemaViolation] = []
        check(value, schema, path: "$", into: &found)
        return found
    }

    /// A small value that conforms to the schema: required properties filled, the first `enum`
    /// value, zero, `false`, `""`, arrays with their minimum number of items. The console LLM
    /// adapter answers with it.
    public static func example(of schema: JSONValue) -> JSONValue {
        guard case .object(let s) = schema else { return .null }
        if let constant = s["const"] { return constant }
        if case .array(let options)? = s["enum"], let first = options.first { return first }
        switch types(of: s).first(where: { $0 != "null" }) ?? types(of: s).first {
        case "object":
            var object: [String: JSONValue] = [:]
            let properties = s["properties"]?.objectValue ?? [:]
            for name in requiredNames(s) { object[name] = example(of: properties[name] ?? .object([:])) }
            return .object(object)
        case "array":
            let count = s["minItems"]?.intValue ?? 0
            return .array(Array(repeating: example(of: s["items"] ?? .object([:])), count: max(0, count)))
        case "string":
            return .string(String(repeating: "x", count: max(0, s["minLength"]?.intValue ?? 0)))
        case "integer", "number":
            return .number(max(0, s["minimum"]?.doubleValue ?? 0))
        case "boolean": return .bool(false)
        default: return .null
        }
    }

    private static func types(of schema: [String: JSONValue]) -> [String] {
        switch schema["type"] {
        case .string(let name)?: [name]
        case .array(let names)?: names.compactMap(\.stringValue)
        default: []
        }
    }

    private static func requiredNames(_ schema: [String: JSONValue]) -> [String] {
        schema["required"]?.arrayValue?.compactMap(\.stringValue) ?? []
    }

    private static func matches(_ value: JSONValue, type: String) -> Bool {
        switch (type, value) {
        case ("null", .null), ("boolean", .bool), ("string", .string), ("array", .array), ("object", .object),
             ("number", .number): true
        case ("integer", .number(let n)): n.rounded() == n && n.isFinite
        default: false
        }
    }

    private static func check(_ value: JSONValue, _ schema: JSONValue, path: String, into found: inout [SchemaViolation]) {
        guard case .object(let s) = schema else {
            if case .bool(false) = schema { found.append(SchemaViolation(path: path, reason: "not allowed")) }
            return
        }
        let allowed = types(of: s)
        if !allowed.isEmpty, !allowed.contains(where: { matches(value, type: $0) }) {
            found.append(SchemaViolation(path: path, reason: "expected \(allowed.joined(separator: " or ")), found \(value.typeName)"))
            return
        }
        if case .array(let options)? = s["enum"], !options.contains(value) {
            found.append(SchemaViolation(path: path, reason: "not one of the allowed values"))
        }
        if let constant = s["const"], constant != value {
            found.append(SchemaViolation(path: path, reason: "not the required constant"))
        }
        switch value {
        case .object(let object): checkObject(object, s, path: path, into: &found)
        case .array(let items):
            if let min = s["minItems"]?.intValue, items.count < min {
                found.append(SchemaViolation(path: path, reason: "fewer than \(min) items"))
            }
            if let max = s["maxItems"]?.intValue, items.count > max {
                found.append(SchemaViolation(path: path, reason: "more than \(max) items"))
            }
            if let itemSchema = s["items"] {
                for (index, item) in items.enumerated() { check(item, itemSchema, path: "\(path)[\(index)]", into: &found) }
            }
        case .string(let text):
            if let min = s["minLength"]?.intValue, text.count < min {
                found.append(SchemaViolation(path: path, reason: "shorter than \(min) characters"))
            }
            if let max = s["maxLength"]?.intValue, text.count > max {
                found.append(SchemaViolation(path: path, reason: "longer than \(max) characters"))
            }
        case .number(let n):
            if let min = s["minimum"]?.doubleValue, n < min { found.append(SchemaViolation(path: path, reason: "below \(min)")) }
            if let max = s["maximum"]?.doubleValue, n > max { found.append(SchemaViolation(path: path, reason: "above \(max)")) }
        case .bool, .null: break
        }
    }

    private static func checkObject(_ object: [String: JSONValue], _ s: [String: JSONValue], path: String,
                                    into found: inout [SchemaViolation]) {
        let properties = s["properties"]?.objectValue ?? [:]
        for name in requiredNames(s) where object[name] == nil {
            found.append(SchemaViolation(path: "\(path).\(name)", reason: "required"))
        }
        for name in object.keys.sorted() {
            if let propertySchema = properties[name] {
                check(object[name]!, propertySchema, path: "\(path).\(name)", into: &found)
            } else if let additional = s["additionalProperties"] {
                check(object[name]!, additional, path: "\(path).\(name)", into: &found)
            }
        }
    }
}

/// Where a JSON value breaks its schema: `$.plan[0].schedule.frequency: not one of the allowed values`.
public struct SchemaViolation: Sendable, Equatable, CustomStringConvertible {
    /// `$` for the root, `.name` for a property, `[i]` for an array item.
    public var path: String
    public var reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "\(path): \(reason)" }
}
