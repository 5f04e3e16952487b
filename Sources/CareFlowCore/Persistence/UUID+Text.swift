import Foundation

extension UUID {
    /// The canonical lower-case text of the id (`uuidString.lowercased()`), written from the
    /// bytes: Foundation formats `uuidString` through `sprintf` and lower-casing copies it again,
    /// and ids are formatted several times per request (audit details, logs, JSON).
    public var lowercasedString: String { text(hexDigits: UUID.lowerHex) }

    /// `uuidString` (upper case, as Foundation's `Codable` writes ids), without `sprintf`.
    public var uppercasedString: String { text(hexDigits: UUID.upperHex) }

    /// Parses the 36-character form (either case), without `UUID(uuidString:)`'s `sscanf`.
    public init?(canonical text: String) {
        var text = text
        let parsed: uuid_t?? = text.withUTF8 { bytes -> uuid_t? in
            guard bytes.count == 36 else { return nil }
            var out = [UInt8](repeating: 0, count: 16)
            var i = 0
            for o in 0..<16 {
                if i == 8 || i == 13 || i == 18 || i == 23 {
                    guard bytes[i] == UInt8(ascii: "-") else { return nil }
                    i += 1
                }
                guard let high = UUID.nibble(bytes[i]), let low = UUID.nibble(bytes[i + 1]) else { return nil }
                out[o] = high << 4 | low
                i += 2
            }
            return (out[0], out[1], out[2], out[3], out[4], out[5], out[6], out[7],
                    out[8], out[9], out[10], out[11], out[12], out[13], out[14], out[15])
        }
        guard let value = parsed ?? nil else { return nil }
        self.init(uuid: value)
    }

    private static func nibble(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    private static let lowerHex = Array("0123456789abcdef".utf8)
    private static let upperHex = Array("0123456789ABCDEF".utf8)

    private func text(hexDigits: [UInt8]) -> String {
        withUnsafeBytes(of: uuid) { bytes in
            String(unsafeUninitializedCapacity: 36) { out in
                var o = 0
                for (i, byte) in bytes.enumerated() {
                    if i == 4 || i == 6 || i == 8 || i == 10 {
                        out[o] = UInt8(ascii: "-")
                        o += 1
                    }
                    out[o] = hexDigits[Int(byte >> 4)]
                    out[o + 1] = hexDigits[Int(byte & 0x0F)]
                    o += 2
                }
                return o
            }
        }
    }
}
