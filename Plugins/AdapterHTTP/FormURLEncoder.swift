import Foundation

/// `application/x-www-form-urlencoded` bodies, with the bracket convention for nested values
/// (`metadata[invoice_id]=…`, `line_items[0][price_data][currency]=usd`).
public struct FormURLEncoder: Sendable {
    /// One form value: text, a nested map (sorted by key on the wire, for stable bodies) or a
    /// list (indexed from 0).
    public indirect enum Value: Sendable, Equatable, ExpressibleByStringLiteral {
        case text(String)
        case map([String: Value])
        case list([Value])

        public init(stringLiteral value: String) { self = .text(value) }
        public static func int(_ value: Int) -> Value { .text(String(value)) }
        public static func bool(_ value: Bool) -> Value { .text(value ? "true" : "false") }
    }

    public init() {}

    /// Encodes fields in the given order; nil-free by construction (leave a field out instead).
    public func encode(_ fields: KeyValuePairs<String, Value>) -> String {
        encode(fields.map { ($0.key, $0.value) })
    }

    public func encode(_ fields: [(String, Value)]) -> String {
        var pairs: [(String, String)] = []
        for (name, value) in fields { flatten(name, value, into: &pairs) }
        return pairs.map { "\(Self.escape($0.0))=\(Self.escape($0.1))" }.joined(separator: "&")
    }

    private func flatten(_ name: String, _ value: Value, into pairs: inout [(String, String)]) {
        switch value {
        case .text(let text): pairs.append((name, text))
        case .map(let map):
            for key in map.keys.sorted() { flatten("\(name)[\(key)]", map[key]!, into: &pairs) }
        case .list(let list):
            for (index, element) in list.enumerated() { flatten("\(name)[\(index)]", element, into: &pairs) }
        }
    }

    /// Percent-encodes everything but the unreserved characters (RFC 3986) and writes a space
    /// as `+`, as HTML forms do and as Stripe and Twilio accept.
    public static func escape(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
                 UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: " "):
                out += "+"
            default:
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }

    /// Decodes a form body into ordered pairs (for tests and inbound webhooks).
    public static func decode(_ body: String) -> [(String, String)] {
        body.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func unescape(_ s: Substring) -> String {
                s.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(s)
            }
            return (unescape(parts[0]), parts.count > 1 ? unescape(parts[1]) : "")
        }
    }
}

private extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
