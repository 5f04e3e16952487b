import Foundation

/// One cell of an export row. `number` is for integers CareFlow itself produces (amounts in
/// minor units, counts, bed numbers): they are written as digits, a leading minus kept, and are
/// exempt from the formula-injection rule because a spreadsheet must read `-500` as a number and
/// a server-formatted integer cannot carry a formula. Everything else is `text`, however
/// harmless its source looks.
public enum CSVCell: Sendable, Equatable {
    case text(String)
    case number(Int)
    case empty

    public static func optional(_ value: String?) -> CSVCell { value.map(CSVCell.text) ?? .empty }
}

/// RFC 4180 CSV, UTF-8, CRLF line ends, with the OWASP defence against formula injection
/// ("CSV injection"): a text cell whose first character is `=`, `+`, `-`, `@`, a tab or a
/// carriage return gets a leading `'` so that Excel, LibreOffice and Google Sheets show it as
/// text instead of evaluating it. Pure: no I/O, so every rule is unit-tested.
public enum CSVWriter {
    /// First characters a spreadsheet treats as the start of a formula (OWASP CSV Injection).
    static let formulaStarts: Set<Character> = ["=", "+", "-", "@", "\t", "\r"]

    /// One record with its CRLF, appended to `out`.
    public static func appendRow(_ cells: [CSVCell], to out: inout String) {
        for (i, cell) in cells.enumerated() {
            if i > 0 { out.append(",") }
            switch cell {
            case .empty: break
            case .number(let n): out.append(String(n))
            case .text(let s): appendText(s, to: &out)
            }
        }
        out.append("\r\n")
    }

    public static func row(_ cells: [CSVCell]) -> String {
        var out = ""
        appendRow(cells, to: &out)
        return out
    }

    public static func header(_ names: [String]) -> String {
        row(names.map(CSVCell.text))
    }

    /// The cell's text, neutralised and then quoted when RFC 4180 requires it (a comma, a quote,
    /// CR or LF inside; the quote doubled). The `'` goes inside the quotes, where a spreadsheet
    /// reads it as the "this is text" prefix.
    static func appendText(_ raw: String, to out: inout String) {
        let text = raw.first.map { formulaStarts.contains($0) } == true ? "'" + raw : raw
        let needsQuotes = text.utf8.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D }
        guard needsQuotes else { out.append(text); return }
        out.append("\"")
        out.append(text.replacingOccurrences(of: "\"", with: "\"\""))
        out.append("\"")
    }
}
