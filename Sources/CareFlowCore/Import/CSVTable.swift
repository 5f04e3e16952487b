import Foundation

/// A CSV file (RFC 4180: quoted fields, doubled quotes, CRLF or LF) as a header and rows.
public struct CSVTable: Sendable {
    public let header: [String]
    /// Each row with its 1-based line number in the file (for error reports).
    public let rows: [(line: Int, values: [String: String])]

    public enum ParseError: Error, CustomStringConvertible {
        case empty
        case unterminatedQuote(line: Int)
        case wrongFieldCount(line: Int, expected: Int, found: Int)

        public var description: String {
            switch self {
            case .empty: "the file has no header row"
            case .unterminatedQuote(let l): "line \(l): a quoted field is not closed"
            case .wrongFieldCount(let l, let e, let f): "line \(l): \(f) fields, the header has \(e)"
            }
        }
    }

    public init(text: String) throws {
        var records: [(Int, [String])] = []
        var field = "", record: [String] = []
        var inQuotes = false, line = 1, recordLine = 1
        var chars = Array(text.unicodeScalars.map(Character.init))
        if chars.first == "\u{FEFF}" { chars.removeFirst() }
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if inQuotes {
                if c == "\"" {
                    if i + 1 < chars.count && chars[i + 1] == "\"" { field.append("\""); i += 1 } else { inQuotes = false }
                } else {
                    if c == "\n" { line += 1 }
                    field.append(c)
                }
            } else if c == "\"" && field.isEmpty {
                inQuotes = true
            } else if c == "," {
                record.append(field); field = ""
            } else if c == "\n" || c == "\r" {
                if c == "\r" && i + 1 < chars.count && chars[i + 1] == "\n" { i += 1 }
                record.append(field); field = ""
                if !(record.count == 1 && record[0].isEmpty) { records.append((recordLine, record)) }
                record = []
                line += 1
                recordLine = line
            } else {
                field.append(c)
            }
            i += 1
        }
        if inQuotes { throw ParseError.unterminatedQuote(line: recordLine) }
        if !field.isEmpty || !record.isEmpty { record.append(field); records.append((recordLine, record)) }
        guard let head = records.first else { throw ParseError.empty }
        let header = head.1.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        var rows: [(line: Int, values: [String: String])] = []
        for (line, values) in records.dropFirst() {
            guard values.count == header.count else {
                throw ParseError.wrongFieldCount(line: line, expected: header.count, found: values.count)
            }
            var dict: [String: String] = [:]
            for (k, v) in zip(header, values) {
                let t = v.trimmingCharacters(in: .whitespaces)
                if !t.isEmpty { dict[k] = t }
            }
            rows.append((line, dict))
        }
        self.header = header
        self.rows = rows
    }
}
