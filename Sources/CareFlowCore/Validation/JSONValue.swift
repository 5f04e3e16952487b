import Foundation

/// An untyped JSON document. Request bodies are decoded into this first so that validation can
/// name every bad field at once instead of stopping at the first decoding error.
public enum JSONValue: Sendable, Equatable, Codable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        // Each failed attempt throws (and builds) a DecodingError, so the commonest kinds of a
        // request body's values are tried first: numbers, then strings. The decoder converts
        // neither booleans to numbers nor strings to either (JSONValueTests pins that).
        if c.decodeNil() { self = .null }
        else if let n = try? c.decode(Double.self) { self = .number(n) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let a = try? c.decode([JSONValue].self) { self = .array(a) }
        else { self = .object(try c.decode([String: JSONValue].self)) }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let b): try c.encode(b)
        case .number(let n): try c.encode(n)
        case .string(let s): try c.encode(s)
        case .array(let a): try c.encode(a)
        case .object(let o): try c.encode(o)
        }
    }

    /// Parses raw bytes; anything but a JSON object at the top level is a malformed body.
    public static func parseObject(_ data: some Collection<UInt8>) throws(AppError) -> [String: JSONValue] {
        guard !data.isEmpty else { throw .malformedBody("The request body is empty; a JSON object is expected") }
        let value: JSONValue
        do {
            value = try JSONParser.parse(data)
        } catch {
            throw .malformedBody("The request body is not valid JSON")
        }
        guard case .object(let object) = value else {
            throw .malformedBody("The request body must be a JSON object")
        }
        return object
    }

    var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}
