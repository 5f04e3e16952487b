import Foundation

/// A parsed CSV file: a header and rows of fields, kept as byte ranges into the file so that a
/// 100,000-row table only turns the columns a model uses into strings.
public struct CSVTable: Sendable {
    public let header: [String]
    public let rowCount: Int
    private let bytes: [UInt8]
    /// For field `c` of row `r`: start at `2 * (r * columns + c)`, end one further.
    private let fieldBounds: [Int32]

    public enum Failure: Error, Equatable {
        case empty
        case raggedRow(line: Int, fields: Int, expected: Int)
    }

    public init(bytes: [UInt8]) throws(Failure) {
        var bounds: [Int32] = []
        bounds.reserveCapacity(bytes.count / 2)
        var fieldsInRow = 0
        var expectedFields = -1
        var line = 1
        var header: [String] = []
        var fieldStart = 0
        var inQuotes = false
        var index = 0
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
                    throw .raggedRow(line: line, fields: fieldsInRow, expected: expectedFields)
                }
                rows += 1
            }
            fieldsInRow = 0
            line += 1
        }

        while index < count {
            let byte = bytes[index]
            if inQuotes {
                if byte == UInt8(ascii: "\"") {
                    if index + 1 < count, bytes[index + 1] == UInt8(ascii: "\"") { index += 1 } else { inQuotes = false }
                }
            } else if byte == UInt8(ascii: "\"") {
                inQuotes = true
            } else if byte == UInt8(ascii: ",") {
                bounds.append(Int32(fieldStart))
                bounds.append(Int32(index))
                fieldsInRow += 1
                fieldStart = index + 1
            } else if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
                var end = index
                if byte == UInt8(ascii: "\r"), index + 1 < count, bytes[index + 1] == UInt8(ascii: "\n") { index += 1 }
                if !(fieldsInRow == 0 && end == fieldStart) {  // skip blank lines
                    bounds.append(Int32(fieldStart))
                    bounds.append(Int32(end))
                    fieldsInRow += 1
                    try endRow()
                }
                end = index
                fieldStart = end + 1
            }
            index += 1
        }
        if fieldStart < count {
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

    private static func unquote(_ bytes: [UInt8], _ start: Int, _ end: Int) -> String {
        guard end - start >= 2, bytes[start] == UInt8(ascii: "\""), bytes[end - 1] == UInt8(ascii: "\"") else {
            return String(decoding: bytes[start..<end], as: UTF8.self)
        }
        return String(decoding: bytes[(start + 1)..<(end - 1)], as: UTF8.self)
            .replacingOccurrences(of: "\"\"", with: "\"")
    }
}
