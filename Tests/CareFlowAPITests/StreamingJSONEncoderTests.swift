@testable import CareFlowAPI
import CareFlowCore
import Foundation
import Testing
import Vapor

/// The response encoder writes what Foundation's `JSONEncoder` (with `.iso8601` dates, the
/// encoder it replaced) writes: the same JSON value for every response DTO and for the edge
/// cases of each kind; Foundation's encoder is the reference.
@Suite("Streaming JSON encoder of responses (pure)")
struct StreamingJSONEncoderTests {
    static func reference<T: Encodable>(_ value: T) throws -> JSONValue {
        try JSONParser.parse(Array(try JSONEncoder.custom(dates: .iso8601).encode(value)))
    }

    static func streamed<T: Encodable>(_ value: T) throws -> JSONValue {
        try JSONParser.parse(try StreamingJSONEncoder.encode(value))
    }

    @Test("every response DTO's examples encode to the same JSON as Foundation's encoder")
    func everyDTO() throws {
        for (name, type) in OpenAPISchemas.responses {
            for sample in type.schemaSamples {
                let streamed = try Self.streamed(sample), reference = try Self.reference(sample)
                #expect(streamed == reference, "\(name)")
            }
        }
    }

    struct Kinds: Encodable {
        var text = "plain"
        var escapes = "quote \" backslash \\ slash / newline \n tab \t cr \r bell \u{07} nul \u{00} del \u{7F}"
        var unicode = "é 中 😀 \u{2028}"
        var numbers: [Double] = [0, -0.0, 1, -1, 0.1, 1.5, 1e-5, 123456789.125, 1e300, -2.5e-300, 9_007_199_254_740_991, 9_007_199_254_740_993,
                                 Double.leastNonzeroMagnitude, Double.greatestFiniteMagnitude]
        var floats: [Float] = [0.1, 3, 1e-3]
        var integers: [Int] = [0, 7, -42, Int.max, Int.min]
        var unsigned: UInt64 = .max
        var small: Int8 = -128
        var flags = [true, false]
        var absent: String? = nil
        var present: String? = "here"
        var optionals: [Int?] = [1, nil, 3]
        var date = Date(timeIntervalSince1970: 1_764_513_275.987)
        var oldDate = Date(timeIntervalSince1970: -86_400 * 365.25 * 60)
        var url = URL(string: "https://example.org/a/b?c=d&e=f")!
        var data = Data([0, 1, 2, 250, 255])
        var id = UUID(uuidString: "0b5a4e1c-8f6f-4e3a-9d1e-2f0c1a2b3c4d")!
        var map: [String: Int] = ["a": 1, "b\"q": 2]
        var weights: [String: Double] = ["age": 0.25, "bmi": -1, "tiny \u{07}": 1e-7, "big": 1e300]
        var noWeights: [String: Double] = [:]
        var names = ["pwd", "otp", "quote \" é \u{2028}", ""]
        var noNames: [String] = []
        var nested: [[String: [Int]]] = [["x": [1, 2]], [:]]
        var empty = Empty()
        var decimal = Decimal(string: "12.345")!

        struct Empty: Encodable {}

        enum CodingKeys: String, CodingKey {
            case text, escapes, unicode, numbers, floats, integers, unsigned, small, flags, absent, present, optionals, date, url, data, id, map,
                 weights, noWeights, names, noNames, nested, empty, decimal
            case oldDate = "old_date"
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(text, forKey: .text)
            try c.encode(escapes, forKey: .escapes)
            try c.encode(unicode, forKey: .unicode)
            try c.encode(numbers, forKey: .numbers)
            try c.encode(floats, forKey: .floats)
            try c.encode(integers, forKey: .integers)
            try c.encode(unsigned, forKey: .unsigned)
            try c.encode(small, forKey: .small)
            try c.encode(flags, forKey: .flags)
            try c.encodeIfPresent(absent, forKey: .absent)
            try c.encode(present, forKey: .present)
            try c.encode(optionals, forKey: .optionals)
            try c.encode(date, forKey: .date)
            try c.encode(oldDate, forKey: .oldDate)
            try c.encode(url, forKey: .url)
            try c.encode(data, forKey: .data)
            try c.encode(id, forKey: .id)
            try c.encode(map, forKey: .map)
            try c.encode(weights, forKey: .weights)
            try c.encode(noWeights, forKey: .noWeights)
            try c.encode(names, forKey: .names)
            try c.encode(noNames, forKey: .noNames)
            try c.encode(nested, forKey: .nested)
            try c.encode(empty, forKey: .empty)
            try c.encode(decimal, forKey: .decimal)
            try c.encodeNil(forKey: .absent)
        }
    }

    @Test("each kind of value, its edge cases included, encodes as Foundation encodes it")
    func kinds() throws {
        let streamed = try Self.streamed(Kinds()), reference = try Self.reference(Kinds())
        #expect(streamed == reference)
        // Whole seconds, UTC, as `.iso8601` writes them.
        #expect(streamed.member("date") == .string("2025-11-30T14:34:35Z"))
        let pair = try Self.streamed([Kinds(), Kinds()]), pairReference = try Self.reference([Kinds(), Kinds()])
        #expect(pair == pairReference)
        let text = try Self.streamed("top-level string"), textReference = try Self.reference("top-level string")
        #expect(text == textReference)
        let none = try Self.streamed(Optional<Int>.none)
        #expect(none == .null)
    }

    @Test("a non-finite number is an encoding error, as with Foundation's encoder")
    func nonFinite() {
        #expect(throws: EncodingError.self) { try StreamingJSONEncoder.encode([Double.nan]) }
        #expect(throws: EncodingError.self) { try StreamingJSONEncoder.encode(["x": Double.infinity]) }
    }

    struct Nested: Encodable {
        enum Outer: String, CodingKey { case a, b }
        enum Inner: String, CodingKey { case c }
        func encode(to encoder: any Encoder) throws {
            var outer = encoder.container(keyedBy: Outer.self)
            var inner = outer.nestedContainer(keyedBy: Inner.self, forKey: .a)
            try inner.encode(1, forKey: .c)
            try outer.encode(2, forKey: .b)
        }
    }

    @Test("a value using nested containers is handed to Foundation's encoder whole, with the same result")
    func fallback() throws {
        #expect(throws: StreamingJSONEncoder.Unsupported.self) { try StreamingJSONEncoder.encode(Nested()) }
        var body = ByteBuffer()
        var headers = HTTPHeaders()
        try ResponseJSONEncoder().encode(Nested(), to: &body, headers: &headers)
        let written = try JSONParser.parse(body.readableBytesView)
        #expect(written == .object(["a": .object(["c": .number(1)]), "b": .number(2)]))
        #expect(headers.contentType == .json)
    }
}

private extension JSONValue {
    func member(_ name: String) -> JSONValue? {
        if case .object(let object) = self { return object[name] }
        return nil
    }
}
