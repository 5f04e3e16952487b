import CareFlowCore
import Foundation

/// Writes an `Encodable` value as JSON bytes in one pass, the way `JSONEncoder` with
/// `.iso8601` dates would (same values, same omissions; `/` is not escaped), without building
/// an intermediate tree. Every response body goes through it, so it is kept to what responses
/// need: a type that asks for a nested or super encoder is reported as `Unsupported` and the
/// caller falls back to Foundation's encoder for that value.
enum StreamingJSONEncoder {
    struct Unsupported: Error {}

    static func encode<T: Encodable>(_ value: T, userInfo: [CodingUserInfoKey: Any] = [:]) throws -> [UInt8] {
        let output = JSONOutput(userInfo: userInfo)
        output.bytes.reserveCapacity(512)
        try output.write(value, codingPath: [])
        if output.unsupported { throw Unsupported() }
        return output.bytes
    }
}

/// The bytes written so far, shared by the encoders of one value.
final class JSONOutput {
    var bytes: [UInt8] = []
    let userInfo: [CodingUserInfoKey: Any]
    /// Set when a value asked for something this encoder does not do; checked at the end.
    var unsupported = false

    init(userInfo: [CodingUserInfoKey: Any]) {
        self.userInfo = userInfo
    }

    func write<T: Encodable>(_ value: T, codingPath: [any CodingKey]) throws {
        // The types JSONEncoder encodes its own way rather than through their `encode(to:)`,
        // told apart by their type's identity: all are value types, and `T` is always the
        // concrete type (an existential does not conform to `Encodable`), so this matches what
        // `as?` casts matched, without asking the runtime to cast every value — arrays and
        // nested objects went through six failed casts each (`tryCast` in `/me`'s profile).
        switch ObjectIdentifier(T.self) {
        case ObjectIdentifier(Date.self): return writeISO8601(unsafeBitCast(value, to: Date.self))
        // What `UUID.encode(to:)` writes (`uuidString`), without its `sprintf`.
        case ObjectIdentifier(UUID.self): return writeString(unsafeBitCast(value, to: UUID.self).uppercasedString)
        case ObjectIdentifier(URL.self): return writeString(unsafeBitCast(value, to: URL.self).absoluteString)
        case ObjectIdentifier(Data.self): return writeString(unsafeBitCast(value, to: Data.self).base64EncodedString())
        case ObjectIdentifier(Decimal.self): return append(unsafeBitCast(value, to: Decimal.self).description)
        // Counts by name (an analytics bucket's `by_status`, 365 of them in a year by day):
        // written directly instead of through `Dictionary.encode` and a keyed container.
        case ObjectIdentifier([String: Int].self):
            return writeObject(unsafeBitCast(value, to: [String: Int].self)) { count, _ in writeInteger(count) }
        // A prediction's contributions by feature, and lists of names (roles, methods, features).
        case ObjectIdentifier([String: Double].self):
            return try writeObject(unsafeBitCast(value, to: [String: Double].self)) { number, key in
                try writeDouble(number, codingPath: codingPath + [NameKey(stringValue: key)])
            }
        case ObjectIdentifier([String].self):
            append(UInt8(ascii: "["))
            for (index, text) in unsafeBitCast(value, to: [String].self).enumerated() {
                if index > 0 { append(UInt8(ascii: ",")) }
                writeString(text)
            }
            return append(UInt8(ascii: "]"))
        default: break
        }
        let encoder = JSONValueWriter(output: self, codingPath: codingPath)
        try value.encode(to: encoder)
        try encoder.finish()
    }

    /// A dictionary keyed by strings, as `Dictionary.encode` writes it (an object, in the
    /// dictionary's order), each value by `writeValue`.
    private func writeObject<V>(_ object: [String: V], _ writeValue: (V, String) throws -> Void) rethrows {
        append(UInt8(ascii: "{"))
        var first = true
        for (key, value) in object {
            if !first { append(UInt8(ascii: ",")) }
            first = false
            writeString(key)
            append(UInt8(ascii: ":"))
            try writeValue(value, key)
        }
        append(UInt8(ascii: "}"))
    }

    /// A dictionary's key in a coding path (errors name the entry).
    private struct NameKey: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    func append(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }

    func append(_ byte: UInt8) {
        bytes.append(byte)
    }

    func writeString(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        let utf8 = text.utf8
        // Most strings need no escape: copied in one go.
        if utf8.withContiguousStorageIfAvailable({ $0.allSatisfy { $0 >= 0x20 && $0 != 0x22 && $0 != 0x5C } }) ?? false {
            bytes.append(contentsOf: utf8)
        } else {
            for byte in utf8 {
                switch byte {
                case 0x22: bytes.append(contentsOf: [0x5C, 0x22])
                case 0x5C: bytes.append(contentsOf: [0x5C, 0x5C])
                case 0x0A: bytes.append(contentsOf: [0x5C, UInt8(ascii: "n")])
                case 0x0D: bytes.append(contentsOf: [0x5C, UInt8(ascii: "r")])
                case 0x09: bytes.append(contentsOf: [0x5C, UInt8(ascii: "t")])
                case 0x08: bytes.append(contentsOf: [0x5C, UInt8(ascii: "b")])
                case 0x0C: bytes.append(contentsOf: [0x5C, UInt8(ascii: "f")])
                case ..<0x20:
                    let hex = Array("0123456789abcdef".utf8)
                    bytes.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
                default: bytes.append(byte)
                }
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    func writeInteger<I: BinaryInteger>(_ value: I) {
        if value == 0 { return bytes.append(UInt8(ascii: "0")) }
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        // Digits from the last, into a buffer on the stack: no array per number (an analytics
        // year by day writes ~2,500 of them). 40 digits hold any 128-bit magnitude.
        var magnitude = value.magnitude
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 40) { digits in
            var start = digits.count
            while magnitude > 0 {
                start -= 1
                digits[start] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: magnitude % 10)
                magnitude /= 10
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: digits[start...]))
        }
    }

    func writeDouble(_ value: Double, codingPath: [any CodingKey]) throws {
        guard value.isFinite else {
            throw EncodingError.invalidValue(value, .init(codingPath: codingPath, debugDescription: "\(value) is not a JSON number"))
        }
        // Whole numbers as JSONEncoder writes them (1, not 1.0); others in Swift's shortest
        // round-trip form, which is valid JSON (`1e-05`).
        if value.rounded(.towardZero) == value, value.magnitude < 9_007_199_254_740_992 {
            writeInteger(Int64(value))
        } else {
            append(value.description)
        }
    }

    /// `yyyy-MM-dd'T'HH:mm:ss'Z'`, whole seconds (what `.iso8601` writes).
    func writeISO8601(_ date: Date) {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ n: Int32) { bytes.append(UInt8(ascii: "0") + UInt8(n / 10)); bytes.append(UInt8(ascii: "0") + UInt8(n % 10)) }
        bytes.append(UInt8(ascii: "\""))
        let year = parts.tm_year + 1900
        two(year / 100)
        two(year % 100)
        bytes.append(UInt8(ascii: "-"))
        two(parts.tm_mon + 1)
        bytes.append(UInt8(ascii: "-"))
        two(parts.tm_mday)
        bytes.append(UInt8(ascii: "T"))
        two(parts.tm_hour)
        bytes.append(UInt8(ascii: ":"))
        two(parts.tm_min)
        bytes.append(UInt8(ascii: ":"))
        two(parts.tm_sec)
        bytes.append(contentsOf: [UInt8(ascii: "Z"), UInt8(ascii: "\"")])
    }
}

extension JSONOutput {
    /// Text that needs no escaping (keys, punctuation, enum raw values), as it is.
    func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// A number, or null when there is none.
    func number(_ value: Double?) throws {
        guard let value else { return append("null") }
        try writeDouble(value, codingPath: [])
    }
}

/// The encoder one value writes itself through: it opens the container the value asks for and
/// closes it when the value's `encode(to:)` returns.
final class JSONValueWriter: Encoder {
    enum Container { case none, keyed, unkeyed, single }

    let output: JSONOutput
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { output.userInfo }
    var container = Container.none
    /// Members or elements written so far (a comma goes before every one after the first).
    var count = 0

    init(output: JSONOutput, codingPath: [any CodingKey]) {
        self.output = output
        self.codingPath = codingPath
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        open(.keyed, UInt8(ascii: "{"))
        return KeyedEncodingContainer(KeyedJSONWriter<Key>(writer: self))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        open(.unkeyed, UInt8(ascii: "["))
        return UnkeyedJSONWriter(writer: self)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        open(.single, nil)
        return SingleJSONWriter(writer: self)
    }

    private func open(_ kind: Container, _ opening: UInt8?) {
        switch container {
        case .none:
            container = kind
            if let opening { output.append(opening) }
        case kind where kind != .single:
            break // asking again for the same container continues it
        default:
            output.unsupported = true
        }
    }

    func finish() throws {
        switch container {
        case .none: output.append("{}") // what JSONEncoder writes for a value that encodes nothing
        case .keyed: output.append(UInt8(ascii: "}"))
        case .unkeyed: output.append(UInt8(ascii: "]"))
        case .single:
            if count == 0 {
                throw EncodingError.invalidValue((), .init(codingPath: codingPath, debugDescription: "A single value container encoded nothing"))
            }
        }
    }

    func separator() {
        if count > 0 { output.append(UInt8(ascii: ",")) }
        count += 1
    }

    func key(_ key: some CodingKey) {
        separator()
        output.writeString(key.stringValue)
        output.append(UInt8(ascii: ":"))
    }

    /// A value of a kind this encoder does not write: remembered, and the whole value is then
    /// encoded by Foundation's encoder instead.
    func unsupportedEncoder() -> any Encoder {
        output.unsupported = true
        return JSONValueWriter(output: JSONOutput(userInfo: [:]), codingPath: codingPath)
    }
}

struct KeyedJSONWriter<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let writer: JSONValueWriter
    var codingPath: [any CodingKey] { writer.codingPath }

    mutating func encodeNil(forKey key: Key) throws { writer.key(key); writer.output.append("null") }
    mutating func encode(_ value: Bool, forKey key: Key) throws { writer.key(key); writer.output.append(value ? "true" : "false") }
    mutating func encode(_ value: String, forKey key: Key) throws { writer.key(key); writer.output.writeString(value) }
    mutating func encode(_ value: Double, forKey key: Key) throws {
        writer.key(key)
        try writer.output.writeDouble(value, codingPath: codingPath + [key])
    }
    mutating func encode(_ value: Float, forKey key: Key) throws { try encode(Double(value.description) ?? Double(value), forKey: key) }
    mutating func encode(_ value: Int, forKey key: Key) throws { writer.key(key); writer.output.writeInteger(value) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { writer.key(key); writer.output.writeInteger(value) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { writer.key(key); writer.output.writeInteger(value) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { writer.key(key); writer.output.writeInteger(value) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { writer.key(key); writer.output.writeInteger(value) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { writer.key(key); writer.output.writeInteger(value) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { writer.key(key); writer.output.writeInteger(value) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { writer.key(key); writer.output.writeInteger(value) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { writer.key(key); writer.output.writeInteger(value) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { writer.key(key); writer.output.writeInteger(value) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        writer.key(key)
        try writer.output.write(value, codingPath: codingPath + [key])
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        writer.unsupportedEncoder().container(keyedBy: keyType)
    }
    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer { writer.unsupportedEncoder().unkeyedContainer() }
    mutating func superEncoder() -> any Encoder { writer.unsupportedEncoder() }
    mutating func superEncoder(forKey key: Key) -> any Encoder { writer.unsupportedEncoder() }
}

struct UnkeyedJSONWriter: UnkeyedEncodingContainer {
    let writer: JSONValueWriter
    var codingPath: [any CodingKey] { writer.codingPath }
    var count: Int { writer.count }

    private struct Index: CodingKey {
        let intValue: Int?
        var stringValue: String { "Index \(intValue ?? 0)" }
        init(_ index: Int) { intValue = index }
        init?(stringValue: String) { nil }
        init?(intValue: Int) { self.intValue = intValue }
    }

    mutating func encodeNil() throws { writer.separator(); writer.output.append("null") }
    mutating func encode(_ value: Bool) throws { writer.separator(); writer.output.append(value ? "true" : "false") }
    mutating func encode(_ value: String) throws { writer.separator(); writer.output.writeString(value) }
    mutating func encode(_ value: Double) throws {
        writer.separator()
        try writer.output.writeDouble(value, codingPath: codingPath + [Index(writer.count - 1)])
    }
    mutating func encode(_ value: Int) throws { writer.separator(); writer.output.writeInteger(value) }
    mutating func encode(_ value: Int64) throws { writer.separator(); writer.output.writeInteger(value) }
    mutating func encode(_ value: Int8) throws { writer.separator(); writer.output.writeInteger(value) }
    mutating func encode(_ value: Int16) throws { writer.separator(); writer.output.writeInteger(value) }
    mutating func encode(_ value: Int32) throws { writer.separator(); writer.output.writeInteger(value) }
    mutating func encode(_ value: UInt) throws { writer.separator(); writer.output.writeInteger(value) }
    mutating func encode(_ value: UInt8) throws { writer.separator(); writer.output.writeInteger(value) }
    mutating func encode(_ value: UInt16) throws { writer.separator(); writer.output.writeInteger(value) }
    mutating func encode(_ value: UInt32) throws { writer.separator(); writer.output.writeInteger(value) }
    mutating func encode(_ value: UInt64) throws { writer.separator(); writer.output.writeInteger(value) }
    mutating func encode(_ value: Float) throws { try encode(Double(value.description) ?? Double(value)) }
    mutating func encode<T: Encodable>(_ value: T) throws {
        writer.separator()
        try writer.output.write(value, codingPath: codingPath + [Index(writer.count - 1)])
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        writer.unsupportedEncoder().container(keyedBy: keyType)
    }
    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer { writer.unsupportedEncoder().unkeyedContainer() }
    mutating func superEncoder() -> any Encoder { writer.unsupportedEncoder() }
}

struct SingleJSONWriter: SingleValueEncodingContainer {
    let writer: JSONValueWriter
    var codingPath: [any CodingKey] { writer.codingPath }

    /// A single value container holds one value.
    private func claim() {
        if writer.count > 0 { writer.output.unsupported = true }
        writer.count += 1
    }

    mutating func encodeNil() throws { claim(); writer.output.append("null") }
    mutating func encode(_ value: Bool) throws { claim(); writer.output.append(value ? "true" : "false") }
    mutating func encode(_ value: String) throws { claim(); writer.output.writeString(value) }
    mutating func encode(_ value: Double) throws { claim(); try writer.output.writeDouble(value, codingPath: codingPath) }
    mutating func encode(_ value: Int) throws { claim(); writer.output.writeInteger(value) }
    mutating func encode(_ value: Int64) throws { claim(); writer.output.writeInteger(value) }
    mutating func encode(_ value: Int8) throws { claim(); writer.output.writeInteger(value) }
    mutating func encode(_ value: Int16) throws { claim(); writer.output.writeInteger(value) }
    mutating func encode(_ value: Int32) throws { claim(); writer.output.writeInteger(value) }
    mutating func encode(_ value: UInt) throws { claim(); writer.output.writeInteger(value) }
    mutating func encode(_ value: UInt8) throws { claim(); writer.output.writeInteger(value) }
    mutating func encode(_ value: UInt16) throws { claim(); writer.output.writeInteger(value) }
    mutating func encode(_ value: UInt32) throws { claim(); writer.output.writeInteger(value) }
    mutating func encode(_ value: UInt64) throws { claim(); writer.output.writeInteger(value) }
    mutating func encode(_ value: Float) throws { try encode(Double(value.description) ?? Double(value)) }
    mutating func encode<T: Encodable>(_ value: T) throws {
        claim()
        try writer.output.write(value, codingPath: codingPath)
    }
}
