import Foundation

/// Header field bodies (RFC 5322 §2.2, RFC 2047 encoded words).
enum MessageHeader {
    /// No line break (CR, LF, nor the Unicode ones some readers honour) and no other control
    /// character except tab.
    static func isSafe(_ value: String) -> Bool {
        !value.unicodeScalars.contains { scalar in
            (scalar.value < 0x20 && scalar != "\t") || (0x7F...0x9F).contains(scalar.value) || scalar == "\u{2028}" || scalar == "\u{2029}"
        }
    }

    /// `Mon, 30 Nov 2026 13:57:29 +0000` (always UTC).
    static func date(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .weekday], from: date)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ n: Int?) -> String { n.map { $0 < 10 ? "0\($0)" : "\($0)" } ?? "00" }
        return "\(days[(c.weekday ?? 1) - 1]), \(two(c.day)) \(months[(c.month ?? 1) - 1]) \(c.year ?? 1970) "
            + "\(two(c.hour)):\(two(c.minute)):\(two(c.second)) +0000"
    }

    /// `Name: value`, as is when it is short printable ASCII, else as UTF-8 encoded words, one
    /// per folded line, so no line exceeds the 78-character recommendation (nor the 998 limit).
    static func unstructured(_ name: String, _ value: String) -> String {
        let line = "\(name): \(value)"
        if isPlainASCII(value), line.utf8.count <= 78 { return line }
        return "\(name): " + encodedWords(value).joined(separator: "\r\n ")
    }

    /// A display name before `<address>`: a quoted string when ASCII, else encoded words.
    static func displayName(_ name: String) -> String {
        if isPlainASCII(name), name.utf8.count <= 60 {
            return "\"" + name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }
        return encodedWords(name).joined(separator: "\r\n ")
    }

    /// Printable ASCII that no reader would take for an encoded word.
    static func isPlainASCII(_ value: String) -> Bool {
        value.utf8.allSatisfy { (0x20...0x7E).contains($0) || $0 == 0x09 } && !value.contains("=?")
    }

    /// `=?utf-8?B?…?=` words of 68 characters at most (42 bytes of text each: "Subject: " and
    /// one word fit in 78), never splitting a character's UTF-8 sequence across two words
    /// (RFC 2047 §5).
    static func encodedWords(_ value: String) -> [String] {
        var words: [String] = []
        var chunk: [UInt8] = []
        for scalar in value.unicodeScalars {
            let bytes = Array(String(scalar).utf8)
            if chunk.count + bytes.count > 42 {
                words.append(word(chunk))
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty || words.isEmpty { words.append(word(chunk)) }
        return words
    }

    private static func word(_ bytes: [UInt8]) -> String {
        "=?utf-8?B?" + Data(bytes).base64EncodedString() + "?="
    }
}
