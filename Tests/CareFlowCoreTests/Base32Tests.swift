import Foundation
import Testing
@testable import CareFlowCore

@Suite("Base32 (RFC 4648 §6)")
struct Base32Tests {
    /// RFC 4648 §10 test vectors.
    static let vectors: [(String, String)] = [
        ("", ""),
        ("f", "MY======"),
        ("fo", "MZXQ===="),
        ("foo", "MZXW6==="),
        ("foob", "MZXW6YQ="),
        ("fooba", "MZXW6YTB"),
        ("foobar", "MZXW6YTBOI======"),
    ]

    @Test("RFC 4648 vectors: encode emits no padding", arguments: vectors)
    func encodeVectors(plain: String, encoded: String) {
        let unpadded = encoded.replacingOccurrences(of: "=", with: "")
        #expect(Base32.encode(Array(plain.utf8)) == unpadded)
    }

    @Test("RFC 4648 vectors: decode with and without padding, in lower case and with spaces", arguments: vectors)
    func decodeVectors(plain: String, encoded: String) {
        let bytes = Array(plain.utf8)
        let unpadded = encoded.replacingOccurrences(of: "=", with: "")
        #expect(Base32.decode(encoded) == bytes)
        #expect(Base32.decode(unpadded) == bytes)
        #expect(Base32.decode(unpadded.lowercased()) == bytes)
        #expect(Base32.decode(encoded.lowercased()) == bytes)
        // Grouped in fours as authenticator apps display secrets.
        let grouped = stride(from: 0, to: unpadded.count, by: 4).map { i -> String in
            let start = unpadded.index(unpadded.startIndex, offsetBy: i)
            let end = unpadded.index(start, offsetBy: min(4, unpadded.count - i))
            return String(unpadded[start..<end])
        }.joined(separator: " ")
        #expect(Base32.decode(" " + grouped.lowercased() + " ") == bytes)
    }

    @Test("The RFC 6238 secret")
    func rfc6238Secret() {
        let secret = Array("12345678901234567890".utf8)
        #expect(Base32.encode(secret) == "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")
        #expect(Base32.decode("gezd gnbv gy3t qojq gezd gnbv gy3t qojq") == secret)
    }

    @Test("Round trips for every length 0...64 and random content")
    func roundTrips() {
        var generator = SystemRandomNumberGenerator()
        for length in 0...64 {
            for _ in 0..<8 {
                let bytes = (0..<length).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
                let encoded = Base32.encode(bytes)
                #expect(!encoded.contains("="))
                #expect(encoded.count == (length * 8 + 4) / 5)
                #expect(encoded.allSatisfy { Base32.alphabet.contains(UInt8($0.asciiValue ?? 0)) })
                #expect(Base32.decode(encoded) == bytes)
                #expect(Base32.decode(encoded.lowercased()) == bytes)
            }
        }
        // All byte values, both nibble orders.
        let all = (0...255).map { UInt8($0) }
        #expect(Base32.decode(Base32.encode(all)) == all)
        #expect(Base32.decode(Base32.encode(all.reversed())) == Array(all.reversed()))
    }

    @Test("Invalid input is rejected", arguments: [
        "MZXW6YQ1",          // '1' is not in the alphabet
        "MZXW6YQ8",          // nor '8'
        "MZXW6YQ0",          // nor '0'
        "MZ!W6",             // punctuation
        "MZXW-6YTB",         // dashes are not tolerated
        "MZXW6YTBÄ",          // non-ASCII
        "M",                 // 1 symbol in the last group cannot be produced by an encoder
        "MZX",               // 3 symbols
        "MZXW6Y",            // 6 symbols
        "MY=====",           // wrong amount of padding
        "MY=======",         // too much padding
        "MZXW6YTB========",  // padding after a full group
        "MY======MY",        // data after padding
        "M=Y",               // padding in the middle
        "=",
    ])
    func invalid(_ input: String) {
        #expect(Base32.decode(input) == nil)
    }
}
