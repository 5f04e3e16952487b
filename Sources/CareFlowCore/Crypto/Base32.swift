/// RFC 4648 §6 base32 (alphabet `A–Z2–7`), as authenticator apps expect TOTP secrets.
///
/// - `encode` emits upper case without `=` padding (the Key Uri Format form).
/// - `decode` is tolerant of what people type or paste: lower case, spaces (e.g. groups of four)
///   and missing padding. It rejects any other character, misplaced or excess padding, and
///   lengths no encoder can produce (1, 3 or 6 characters in the final group).
public enum Base32 {
    static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)

    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count * 8 + 4) / 5)
        var buffer: UInt32 = 0
        var bits = 0
        for byte in bytes {
            buffer = (buffer << 8) | UInt32(byte)
            bits += 8
            while bits >= 5 {
                bits -= 5
                out.append(alphabet[Int((buffer >> UInt32(bits)) & 0x1f)])
            }
            buffer &= (1 << UInt32(bits)) - 1
        }
        if bits > 0 {
            out.append(alphabet[Int((buffer << UInt32(5 - bits)) & 0x1f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    public static func decode(_ s: String) -> [UInt8]? {
        var symbols: [UInt8] = []
        symbols.reserveCapacity(s.utf8.count)
        var padding = 0
        for c in s.utf8 {
            switch c {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                continue
            case UInt8(ascii: "="):
                padding += 1
            default:
                // Data after padding is malformed.
                guard padding == 0, let value = value(of: c) else { return nil }
                symbols.append(value)
            }
        }
        // Only these final-group lengths are producible by an encoder: 0, 2, 4, 5, 7 characters.
        let remainder = symbols.count % 8
        guard [0, 2, 4, 5, 7].contains(remainder) else { return nil }
        if padding > 0 {
            // Padding is optional, but when present it must be exactly right.
            guard remainder != 0, padding == 8 - remainder else { return nil }
        }

        var out: [UInt8] = []
        out.reserveCapacity(symbols.count * 5 / 8)
        var buffer: UInt32 = 0
        var bits = 0
        for v in symbols {
            buffer = (buffer << 5) | UInt32(v)
            bits += 5
            if bits >= 8 {
                bits -= 8
                out.append(UInt8((buffer >> UInt32(bits)) & 0xff))
                buffer &= (1 << UInt32(bits)) - 1
            }
        }
        // Leftover (< 8) bits are the encoder's zero fill; ignored, as most decoders do.
        return out
    }

    @inline(__always)
    private static func value(of c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): c - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): c - UInt8(ascii: "a")
        case UInt8(ascii: "2")...UInt8(ascii: "7"): c - UInt8(ascii: "2") + 26
        default: nil
        }
    }
}
