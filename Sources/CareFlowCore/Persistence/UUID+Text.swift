import Foundation

extension UUID {
    /// The canonical lower-case text of the id (`uuidString.lowercased()`), written from the
    /// bytes: Foundation formats `uuidString` through `sprintf` and lower-casing copies it again,
    /// and ids are formatted several times per request (audit details, logs, JSON).
    public var lowercasedString: String { text(hexDigits: UUID.lowerHex) }

    /// `uuidString` (upper case, as Foundation's `Codable` writes ids), without `sprintf`.
    public var uppercasedString: String { text(hexDigits: UUID.upperHex) }

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
