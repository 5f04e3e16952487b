/// The JSON Schema of a body, collected while a `FieldReader` describes it: each field the
/// reading code asks for, with the constraints it checks. Used once per body type when the
/// OpenAPI document is built, never while serving a request.
final class FieldSchemaRecorder {
    private var properties: [String: [String: JSONValue]] = [:]
    private var required: [String] = []
    /// Fields read inside a `has(_:)` branch (PATCH): optional even when read as required.
    private var conditional: Set<String> = []

    /// A field read as `required` is listed as required; an optional one also takes `null`,
    /// which the reader treats as absent.
    func add(_ key: String, _ schema: [String: JSONValue], required isRequired: Bool) {
        var schema = schema
        if isRequired {
            if !conditional.contains(key) { require(key) }
        } else if case .string(let type)? = schema["type"] {
            schema["type"] = .array([.string(type), .string("null")])
            if case .array(let values)? = schema["enum"] { schema["enum"] = .array(values + [.null]) }
        }
        properties[key] = schema
    }

    func refine(_ key: String, _ extra: [String: JSONValue]) {
        properties[key]?.merge(extra) { _, new in new }
    }

    /// Listed as required; unless `nullable`, `null` is no longer accepted either.
    func require(_ key: String, nullable: Bool = false) {
        if !required.contains(key) { required.append(key) }
        if !nullable, case .array(let types)? = properties[key]?["type"], let type = types.first {
            properties[key]?["type"] = type
            if case .array(let values)? = properties[key]?["enum"] { properties[key]?["enum"] = .array(values.filter { $0 != .null }) }
        }
    }

    func noteConditional(_ key: String) {
        conditional.insert(key)
    }

    /// Unknown fields are refused, hence `additionalProperties: false`.
    var schema: [String: JSONValue] {
        var object: [String: JSONValue] = [
            "type": .string("object"), "additionalProperties": .bool(false),
            "properties": .object(properties.mapValues { .object($0) }),
        ]
        if !required.isEmpty { object["required"] = .array(required.map { .string($0) }) }
        return object
    }

    /// The schema of the object `read` reads.
    static func describe<T>(_ read: (inout FieldReader) -> T?) -> [String: JSONValue] {
        let recorder = FieldSchemaRecorder()
        var reader = FieldReader(describingInto: recorder)
        _ = read(&reader)
        return recorder.schema
    }
}

extension ValidatedFields {
    /// The JSON Schema of this input, read off its own validation code.
    public static var fieldSchema: JSONValue {
        .object(FieldSchemaRecorder.describe { fields in Self(fields: &fields) })
    }
}
