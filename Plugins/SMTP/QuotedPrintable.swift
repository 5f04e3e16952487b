/// Quoted-printable (RFC 2045 §6.7) for message bodies: readable for the mostly-ASCII text
/// CareFlow sends, 7-bit safe for any relay, and every line at most 76 characters.
enum QuotedPrintable {
    static let maxLineLength = 76

    /// `text` as quoted-printable with CRLF line breaks. Any line break in the text (CRLF, LF
    /// or a lone CR) becomes a hard CRLF; long lines get soft breaks (`=` CRLF).
    static func encode(_ text: String) -> String {
        let lines = normalizedLines(text)
        return lines.map(encode(line:)).joined(separator: "\r\n")
    }

    /// The text split at every CRLF, LF or CR, without the breaks.
    static func normalizedLines(_ text: String) -> [[UInt8]] {
        var lines: [[UInt8]] = []
        var current: [UInt8] = []
        var previousWasCR = false
        for byte in text.utf8 {
            switch byte {
            case 0x0D:
                lines.append(current)
                current = []
                previousWasCR = true
                continue
            case 0x0A:
                if !previousWasCR {
                    lines.append(current)
                    current = []
                }
            default:
                current.append(byte)
            }
            previousWasCR = false
        }
        lines.append(current)
        return lines
    }

    private static func encode(line: [UInt8]) -> String {
        var output = ""
        var lineLength = 0
        for (index, byte) in line.enumerated() {
            let isLast = index == line.count - 1
            let token: String
            switch byte {
            // Trailing white space would be stripped by relays; a leading dot is SMTP's
            // end-of-data marker on some paths; both are written encoded.
            case 0x20 where isLast, 0x09 where isLast: token = hex(byte)
            case 0x2E where lineLength == 0: token = hex(byte)
            case 0x3D: token = hex(byte)
            case 0x20, 0x09, 0x21...0x7E: token = String(UnicodeScalar(byte))
            default: token = hex(byte)
            }
            // Room for the token and, unless this is the last one, a soft break's `=`.
            let room = isLast ? maxLineLength : maxLineLength - 1
            if lineLength + token.count > room {
                output += "=\r\n"
                lineLength = 0
                // After a soft break the next output line starts here: the same rule for dots.
                let restarted = byte == 0x2E ? hex(byte) : token
                output += restarted
                lineLength += restarted.count
            } else {
                output += token
                lineLength += token.count
            }
        }
        return output
    }

    private static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return "=" + String(digits[Int(byte >> 4)]) + String(digits[Int(byte & 0x0F)])
    }
}
