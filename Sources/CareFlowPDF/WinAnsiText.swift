import Foundation

/// Text as the bytes of WinAnsiEncoding (Windows-1252), the encoding of libharu's base-14 fonts.
/// Those fonts have no glyph outside it, so other characters are transliterated where a Latin
/// base letter exists (ł stays ?, ő → o, Ş → S) and shown as `?` otherwise, never a crash
/// (Kinyarwanda and French names are Latin-1 and pass unchanged). Control characters become
/// spaces: a NUL would end the C string libharu reads.
public enum WinAnsiText {
    /// Characters 0x80–0x9F of Windows-1252 that are not Latin-1.
    static let cp1252Extras: [UInt32: UInt8] = [
        0x20AC: 0x80, 0x201A: 0x82, 0x0192: 0x83, 0x201E: 0x84, 0x2026: 0x85, 0x2020: 0x86, 0x2021: 0x87, 0x02C6: 0x88,
        0x2030: 0x89, 0x0160: 0x8A, 0x2039: 0x8B, 0x0152: 0x8C, 0x017D: 0x8E, 0x2018: 0x91, 0x2019: 0x92, 0x201C: 0x93,
        0x201D: 0x94, 0x2022: 0x95, 0x2013: 0x96, 0x2014: 0x97, 0x02DC: 0x98, 0x2122: 0x99, 0x0161: 0x9A, 0x203A: 0x9B,
        0x0153: 0x9C, 0x017E: 0x9E, 0x0178: 0x9F,
    ]

    /// The encoded bytes, without a terminating NUL.
    public static func encode(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        for character in text {
            if let byte = byte(for: character) { out.append(byte); continue }
            // A letter with marks WinAnsi lacks (ő, ş, ā, or e + a combining accent): its canonical
            // decomposition starts with a base letter WinAnsi has.
            let decomposed = String(character).decomposedStringWithCanonicalMapping.unicodeScalars
            if let base = decomposed.first, let byte = byte(for: Character(base)), base.value >= 0x20 {
                out.append(byte)
            } else {
                out.append(UInt8(ascii: "?"))
            }
        }
        return out
    }

    static func byte(for character: Character) -> UInt8? {
        if character == "\r\n" { return UInt8(ascii: " ") }
        // A character of several scalars (a base with a combining mark) is not one WinAnsi byte.
        guard character.unicodeScalars.count == 1, let scalar = character.unicodeScalars.first else { return nil }
        let value = scalar.value
        switch value {
        case 0x00..<0x20, 0x7F: return UInt8(ascii: " ")
        case 0x20..<0x7F, 0xA0...0xFF: return UInt8(value)
        default: return cp1252Extras[value]
        }
    }
}
