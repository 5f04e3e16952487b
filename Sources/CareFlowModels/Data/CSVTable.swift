import Foundation

/// A parsed CSV file (RFC 4180: quoted fields, doubled quotes, CRLF or LF, an optional UTF-8
/// byte-order mark): a header and rows of fields, kept as byte ranges into the file so that a
/// 100,000-row table only turns the columns a model uses into strings. The one CSV reader of
/// CareFlow: model datasets read columns, imports read rows (`CSVTable+Records` in the core).
public struct CSVTable: Sendable {
    public let header: [String]
    public let rowCount: Int
    private let bytes: [UInt8]
    /// For field `c` of row `r`: start at `2 * (r * columns + c)`, end one further.
    private let fieldBounds: [Int32]
    /// The 1-based line of the file each row starts on (for error reports; a quoted field may
    /// span lines).
    private let rowLines: [Int32]

    public enum Failure: Error, Equatable, CustomStringConvertible {
        case empty
        case raggedRow(line: Int, fields: Int, expected: Int)
        case unterminatedQuote(line: Int)

        public var description: String {
            switch self {
            case .empty: "the file has no header row"
            case .raggedRow(let line, let fields, let expected): "line \(line): \(fields) fields, the header has \(expected)"
            case .unterminatedQuote(let line): "line \(line): a quoted field is not closed"
            }
        }
    }

    public init(text: String) throws(Failure) {
        try self.init(bytes: Array(text.utf8))
    }

    public init(bytes: [UInt8]) throws(Failure) {
        var bounds: [Int32] = []
        bounds.reserveCapacity(bytes.count / 2)
        var fieldsInRow = 0
        var expectedFields = -1
        var line = 1
        var rowStartLine = 1
        var lines: [Int32] = []
        var header: [String] = []
        let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]
        var index = bytes.starts(with: byteOrderMark) ? byteOrderMark.count : 0
        var fieldStart = index
        var inQuotes = false
        var rows = 0
        let count = bytes.count

        func endRow() throws(Failure) {
            if expectedFields < 0 {
                expectedFields = fieldsInRow
                header = (0..<fieldsInRow).map { column in
                    Self.unquote(bytes, Int(bounds[2 * column]), Int(bounds[2 * column + 1]))
                }
                bounds.removeAll(keepingCapacity: true)
            } else {
                guard fieldsInRow == expectedFields else {
                    throw .raggedRow(line: rowStartLine, fields: fieldsInRow, expected: expectedFields)
                }
                lines.append(Int32(rowStartLine))
                rows += 1
            }
            fieldsInRow = 0
        }

        while index < count {
            let byte = bytes[index]
            if inQuotes {
                if byte == UInt8(ascii: "\"") {
                    if index + 1 < count, bytes[index + 1] == UInt8(ascii: "\"") { index += 1 } else { inQuotes = false }
                } else if byte == UInt8(ascii: "\n") || (byte == UInt8(ascii: "\r") && !(index + 1 < count && bytes[index + 1] == UInt8(ascii: "\n"))) {
                    line += 1  // a line break inside a quoted field
                }
            } else if byte == UInt8(ascii: "\""), index == fieldStart {
                // Quotes open a field only at its start; elsewhere they are text (`5'10"`).
                inQuotes = true
            } else if byte == UInt8(ascii: ",") {
                bounds.append(Int32(fieldStart))
                bounds.append(Int32(index))
                fieldsInRow += 1
                fieldStart = index + 1
            } else if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
                let end = index
                if byte == UInt8(ascii: "\r"), index + 1 < count, bytes[index + 1] == UInt8(ascii: "\n") { index += 1 }
                if !(fieldsInRow == 0 && end == fieldStart) {  // skip blank lines
                    bounds.append(Int32(fieldStart))
                    bounds.append(Int32(end))
                    fieldsInRow += 1
                    try endRow()
                }
                fieldStart = index + 1
                line += 1
                rowStartLine = line
            }
            index += 1
        }
        if inQuotes { throw .unterminatedQuote(line: rowStartLine) }
        if fieldStart < count || fieldsInRow > 0 {
            bounds.append(Int32(fieldStart))
            bounds.append(Int32(count))
            fieldsInRow += 1
            try endRow()
        }
        guard expectedFields > 0 else { throw .empty }
        self.header = header
        self.rowCount = rows
        self.bytes = bytes
        self.fieldBounds = bounds
        self.rowLines = lines
    }

    public func columnIndex(_ name: String) -> Int? { header.firstIndex(of: name) }

    /// The cells of one column, unquoted.
    public func column(at column: Int) -> [String] {
        let width = header.count
        return (0..<rowCount).map { row in
            let slot = 2 * (row * width + column)
            return Self.unquote(bytes, Int(fieldBounds[slot]), Int(fieldBounds[slot + 1]))
        }
    }

    /// The cells of one row, unquoted.
    public func row(at row: Int) -> [String] {
        let width = header.count
        return (0..<width).map { column in
            let slot = 2 * (row * width + column)
            return Self.unquote(bytes, Int(fieldBounds[slot]), Int(fieldBounds[slot + 1]))
        }
    }

    /// The 1-based line of the file a row starts on.
    public func line(ofRow row: Int) -> Int { Int(rowLines[row]) }

    private static func unquote(_ bytes: [UInt8], _ start: Int, _ end: Int) -> String {
        guard end - start >= 2, bytes[start] == UInt8(ascii: "\""), bytes[end - 1] == UInt8(ascii: "\"") else {
            return String(decoding: bytes[start..<end], as: UTF8.self)
        }
        return String(decoding: bytes[(start + 1)..<(end - 1)], as: UTF8.self)
            .replacingOccurrences(of: "\"\"", with: "\"")
    }
}
