import CareFlowCore
import Foundation

/// A response body the document describes by encoding examples of it, so its schema cannot
/// drift from what the API sends.
protocol SchemaSample: SchemaAnnotated {
    /// Examples with every member that can appear set. A key is required when every example
    /// writes it with `encode` (not `encodeIfPresent`); give a second example when a key is
    /// left out by a condition of the encoding code.
    static var schemaSamples: [Self] { get }
}

/// What the Swift type of a member cannot say: its enumeration, a string format, a description.
protocol SchemaAnnotated: Encodable, Sendable {
    static var schemaNotes: [String: SchemaNote] { get }
}

extension SchemaAnnotated {
    static var schemaNotes: [String: SchemaNote] { [:] }
}

struct SchemaNote: Sendable {
    fileprivate var values: [String]?
    fileprivate var keys: [String]?
    fileprivate var format: String?
    fileprivate var description: String?

    /// The allowed strings (of each element, for an array).
    static func values(_ values: [String]) -> SchemaNote { SchemaNote(values: values) }
    static func values<E: CaseIterable & RawRepresentable>(of _: E.Type) -> SchemaNote where E.RawValue == String {
        SchemaNote(values: E.allCases.map(\.rawValue))
    }
    /// A dictionary whose keys are exactly these.
    static func keys<E: CaseIterable & RawRepresentable>(of _: E.Type) -> SchemaNote where E.RawValue == String {
        SchemaNote(keys: E.allCases.map(\.rawValue))
    }
    static func format(_ format: String) -> SchemaNote { SchemaNote(format: format) }
    static func description(_ text: String) -> SchemaNote { SchemaNote(description: text) }
}

/// Records the JSON Schema of what values encode to: per key the JSON type, `format` for
/// `UUID` (uuid), `Date` (date-time, as the app's ISO-8601 encoder writes it) and `URL` (uri),
/// nested objects recursively, arrays and dictionaries from their elements. A key written with
/// `encode` of an Optional may be null; one written with `encodeIfPresent` may be absent.
/// Values of a type listed in `names` become a `$ref` to that schema.
struct SchemaRecordingEncoder {
    let names: [ObjectIdentifier: String]

    func schema(of type: any SchemaSample.Type) throws -> JSONValue {
        let node = SchemaNode()
        for sample in type.schemaSamples {
            try SchemaRecording(names: names).record(sample, into: node, top: true)
        }
        return node.jsonSchema
    }
}

/// The schema recorded so far for one position, merged over every value seen there.
private final class SchemaNode {
    var types: [String] = []
    var format: String?
    var nullable = false
    var ref: String?
    var anyValue = false
    var items: SchemaNode?
    var additional: SchemaNode?
    var properties: [(key: String, node: SchemaNode)] = []
    var objectCount = 0
    var presentCount: [String: Int] = [:]
    var omissible: Set<String> = []
    var notes: [String: SchemaNote] = [:]

    func add(_ type: String, format: String? = nil) {
        if !types.contains(type) { types.append(type) }
        if let format { self.format = format }
    }

    func property(_ key: String) -> SchemaNode {
        if let existing = properties.first(where: { $0.key == key }) { return existing.node }
        let node = SchemaNode()
        properties.append((key, node))
        return node
    }

    var jsonSchema: JSONValue {
        if let ref {
            let target: JSONValue = .object(["$ref": .string("#/components/schemas/\(ref)")])
            return nullable ? .object(["anyOf": .array([target, .object(["type": .string("null")])])]) : target
        }
        if anyValue { return .object([:]) }
        var schema: [String: JSONValue] = [:]
        // An integer seen where numbers are too is a number.
        var kinds = types.contains("number") ? types.filter { $0 != "integer" } : types
        if nullable { kinds.append("null") }
        if kinds.count == 1 { schema["type"] = .string(kinds[0]) } else if !kinds.isEmpty { schema["type"] = .array(kinds.map { .string($0) }) }
        if let format { schema["format"] = .string(format) }
        if let items { schema["items"] = items.jsonSchema }
        if let additional, additional.jsonSchema != .object([:]) { schema["additionalProperties"] = additional.jsonSchema }
        if types.contains("object") && additional == nil {
            schema["properties"] = .object(Dictionary(uniqueKeysWithValues: properties.map { property in
                (property.key, Self.annotate(property.node.jsonSchema, with: notes[property.key]))
            }))
            let required = properties.map(\.key).filter { presentCount[$0] == objectCount && !omissible.contains($0) }
            if !required.isEmpty { schema["required"] = .array(required.map { .string($0) }) }
        }
        return .object(schema)
    }

    private static func annotate(_ schema: JSONValue, with note: SchemaNote?) -> JSONValue {
        guard let note, case .object(var s) = schema else { return schema }
        if let values = note.values {
            if case .object(var items)? = s["items"] {
                items["enum"] = .array(values.map { .string($0) })
                s["items"] = .object(items)
            } else {
                let nullable = if case .array(let types)? = s["type"] { types.contains(.string("null")) } else { false }
                s["enum"] = .array(values.map { .string($0) } + (nullable ? [.null] : []))
            }
        }
        if let keys = note.keys, let value = s.removeValue(forKey: "additionalProperties") {
            s["properties"] = .object(Dictionary(uniqueKeysWithValues: keys.map { ($0, value) }))
        }
        if let format = note.format { s["format"] = .string(format) }
        if let description = note.description { s["description"] = .string(description) }
        return .object(s)
    }
}

private protocol OptionalEncodable {
    var wrappedEncodable: (any Encodable)? { get }
}

extension Optional: OptionalEncodable where Wrapped: Encodable {
    fileprivate var wrappedEncodable: (any Encodable)? { self }
}

private protocol StringKeyedDictionary {
    var encodableValues: [any Encodable] { get }
}

extension Dictionary: StringKeyedDictionary where Key == String, Value: Encodable {
    fileprivate var encodableValues: [any Encodable] { Array(values) }
}

private struct SchemaRecording {
    let names: [ObjectIdentifier: String]

    func record<T: Encodable>(_ value: T, into node: SchemaNode, top: Bool = false) throws {
        if !top, let name = names[ObjectIdentifier(type(of: value))] {
            node.ref = name
            return
        }
        switch value {
        case let optional as any OptionalEncodable:
            node.nullable = true
            if let wrapped = optional.wrappedEncodable { try record(wrapped, into: node) }
        case is Date: node.add("string", format: "date-time")
        case is UUID: node.add("string", format: "uuid")
        case is URL: node.add("string", format: "uri")
        case is JSONValue: node.anyValue = true
        case let dictionary as any StringKeyedDictionary:
            node.add("object")
            let values = node.additional ?? SchemaNode()
            node.additional = values
            for element in dictionary.encodableValues { try record(element, into: values) }
        default:
            if let annotated = type(of: value) as? any SchemaAnnotated.Type { node.notes.merge(annotated.schemaNotes) { $1 } }
            try value.encode(to: RecordingEncoder(node: node, recording: self))
        }
    }

    func scalar(_ value: Any, into node: SchemaNode) {
        switch value {
        case is Bool: node.add("boolean")
        case is String: node.add("string")
        case is Double, is Float: node.add("number")
        default: node.add("integer")
        }
    }
}

private struct RecordingEncoder: Encoder {
    let node: SchemaNode
    let recording: SchemaRecording
    var codingPath: [any CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] = [:]

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        node.add("object")
        node.objectCount += 1
        return KeyedEncodingContainer(KeyedRecorder<Key>(node: node, recording: recording))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        node.add("array")
        let items = node.items ?? SchemaNode()
        node.items = items
        return UnkeyedRecorder(items: items, recording: recording)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { SingleRecorder(node: node, recording: recording) }
}

private struct KeyedRecorder<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let node: SchemaNode
    let recording: SchemaRecording
    var codingPath: [any CodingKey] = []

    private func present(_ key: Key) -> SchemaNode {
        node.presentCount[key.stringValue, default: 0] += 1
        return node.property(key.stringValue)
    }

    mutating func encodeNil(forKey key: Key) throws { present(key).nullable = true }
    mutating func encode(_ value: Bool, forKey key: Key) throws { recording.scalar(value, into: present(key)) }
    mutating func encode(_ value: String, forKey key: Key) throws { recording.scalar(value, into: present(key)) }
    mutating func encode(_ value: Double, forKey key: Key) throws { recording.scalar(value, into: present(key)) }
    mutating func encode(_ value: Float, forKey key: Key) throws { recording.scalar(value, into: present(key)) }
    mutating func encode(_ value: Int, forKey key: Key) throws { recording.scalar(value, into: present(key)) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { recording.scalar(value, into: present(key)) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { recording.scalar(value, into: present(key)) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { recording.scalar(value, into: present(key)) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { recording.scalar(value, into: present(key)) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { recording.scalar(value, into: present(key)) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { recording.scalar(value, into: present(key)) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { recording.scalar(value, into: present(key)) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { recording.scalar(value, into: present(key)) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { recording.scalar(value, into: present(key)) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws { try recording.record(value, into: present(key)) }

    // Written only when set: the key may be absent but is never null.
    mutating func encodeIfPresent(_ value: Bool?, forKey key: Key) throws { try ifPresent(value, key) }
    mutating func encodeIfPresent(_ value: String?, forKey key: Key) throws { try ifPresent(value, key) }
    mutating func encodeIfPresent(_ value: Double?, forKey key: Key) throws { try ifPresent(value, key) }
    mutating func encodeIfPresent(_ value: Float?, forKey key: Key) throws { try ifPresent(value, key) }
    mutating func encodeIfPresent(_ value: Int?, forKey key: Key) throws { try ifPresent(value, key) }
    mutating func encodeIfPresent(_ value: Int8?, forKey key: Key) throws { try ifPresent(value, key) }
    mutating func encodeIfPresent(_ value: Int16?, forKey key: Key) throws { try ifPresent(value, key) }
    mutating func encodeIfPresent(_ value: Int32?, forKey key: Key) throws { try ifPresent(value, key) }
    mutating func encodeIfPresent(_ value: Int64?, forKey key: Key) throws { try ifPresent(value, key) }
    mutating func encodeIfPresent(_ value: UInt?, forKey key: Key) throws { try ifPresent(value, key) }
    mutating func encodeIfPresent(_ value: UInt8?, forKey key: Key) throws { try ifPresent(value, key) }
    mutating func encodeIfPresent(_ value: UInt16?, forKey key: Key) throws { try ifPresent(value, key) }
    mutating func encodeIfPresent(_ value: UInt32?, forKey key: Key) throws { try ifPresent(value, key) }
    mutating func encodeIfPresent(_ value: UInt64?, forKey key: Key) throws { try ifPresent(value, key) }
    mutating func encodeIfPresent<T: Encodable>(_ value: T?, forKey key: Key) throws { try ifPresent(value, key) }

    private func ifPresent<T: Encodable>(_ value: T?, _ key: Key) throws {
        node.omissible.insert(key.stringValue)
        guard let value else { return }
        try recording.record(value, into: present(key))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        RecordingEncoder(node: present(key), recording: recording).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        RecordingEncoder(node: present(key), recording: recording).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder { RecordingEncoder(node: present(Key(stringValue: "super")!), recording: recording) }
    mutating func superEncoder(forKey key: Key) -> any Encoder { RecordingEncoder(node: present(key), recording: recording) }
}

private struct UnkeyedRecorder: UnkeyedEncodingContainer {
    let items: SchemaNode
    let recording: SchemaRecording
    var codingPath: [any CodingKey] = []
    var count = 0

    mutating func encodeNil() throws { items.nullable = true; count += 1 }
    mutating func encode<T: Encodable>(_ value: T) throws { try recording.record(value, into: items); count += 1 }
    mutating func encode(_ value: Bool) throws { recording.scalar(value, into: items); count += 1 }
    mutating func encode(_ value: String) throws { recording.scalar(value, into: items); count += 1 }
    mutating func encode(_ value: Double) throws { recording.scalar(value, into: items); count += 1 }
    mutating func encode(_ value: Float) throws { recording.scalar(value, into: items); count += 1 }
    mutating func encode(_ value: Int) throws { recording.scalar(value, into: items); count += 1 }
    mutating func encode(_ value: Int8) throws { recording.scalar(value, into: items); count += 1 }
    mutating func encode(_ value: Int16) throws { recording.scalar(value, into: items); count += 1 }
    mutating func encode(_ value: Int32) throws { recording.scalar(value, into: items); count += 1 }
    mutating func encode(_ value: Int64) throws { recording.scalar(value, into: items); count += 1 }
    mutating func encode(_ value: UInt) throws { recording.scalar(value, into: items); count += 1 }
    mutating func encode(_ value: UInt8) throws { recording.scalar(value, into: items); count += 1 }
    mutating func encode(_ value: UInt16) throws { recording.scalar(value, into: items); count += 1 }
    mutating func encode(_ value: UInt32) throws { recording.scalar(value, into: items); count += 1 }
    mutating func encode(_ value: UInt64) throws { recording.scalar(value, into: items); count += 1 }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        count += 1
        return RecordingEncoder(node: items, recording: recording).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        count += 1
        return RecordingEncoder(node: items, recording: recording).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder { RecordingEncoder(node: items, recording: recording) }
}

private struct SingleRecorder: SingleValueEncodingContainer {
    let node: SchemaNode
    let recording: SchemaRecording
    var codingPath: [any CodingKey] = []

    mutating func encodeNil() throws { node.nullable = true }
    mutating func encode<T: Encodable>(_ value: T) throws { try recording.record(value, into: node) }
    mutating func encode(_ value: Bool) throws { recording.scalar(value, into: node) }
    mutating func encode(_ value: String) throws { recording.scalar(value, into: node) }
    mutating func encode(_ value: Double) throws { recording.scalar(value, into: node) }
    mutating func encode(_ value: Float) throws { recording.scalar(value, into: node) }
    mutating func encode(_ value: Int) throws { recording.scalar(value, into: node) }
    mutating func encode(_ value: Int8) throws { recording.scalar(value, into: node) }
    mutating func encode(_ value: Int16) throws { recording.scalar(value, into: node) }
    mutating func encode(_ value: Int32) throws { recording.scalar(value, into: node) }
    mutating func encode(_ value: Int64) throws { recording.scalar(value, into: node) }
    mutating func encode(_ value: UInt) throws { recording.scalar(value, into: node) }
    mutating func encode(_ value: UInt8) throws { recording.scalar(value, into: node) }
    mutating func encode(_ value: UInt16) throws { recording.scalar(value, into: node) }
    mutating func encode(_ value: UInt32) throws { recording.scalar(value, into: node) }
    mutating func encode(_ value: UInt64) throws { recording.scalar(value, into: node) }
}
