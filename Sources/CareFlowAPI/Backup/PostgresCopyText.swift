import CareFlowCore
import Foundation

/// Reads the rows of one table out of the SQL script `pg_restore --data-only --file` writes
/// (a `COPY … FROM stdin;` block in PostgreSQL's text format), so a restore can check the
/// archive's wrapped keys before it touches the target database.
enum PostgresCopyText {
    /// Rows of `table` as column name → value (NULL as nil).
    static func rows(of table: String, in script: String) -> [[String: String?]] {
        var result: [[String: String?]] = []
        var columns: [String]?
        for line in script.split(separator: "\n", omittingEmptySubsequences: false) {
            if let current = columns {
                if line == "\\." { columns = nil; continue }
                let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(unescape)
                guard fields.count == current.count else { continue }
                result.append(Dictionary(uniqueKeysWithValues: zip(current, fields)))
            } else if line.hasPrefix("COPY "), line.hasSuffix("FROM stdin;"),
                      let open = line.firstIndex(of: "("), let close = line.lastIndex(of: ")") {
                let name = line.dropFirst(5)[..<open].trimmingCharacters(in: .whitespaces)
                guard name.split(separator: ".").last.map({ $0.trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }) == table else { continue }
                columns = line[line.index(after: open)..<close].split(separator: ",")
                    .map { $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
            }
        }
        return result
    }

    /// The text format's escapes: `\N` is NULL; backslash sequences for control characters.
    static func unescape(_ field: Substring) -> String? {
        if field == "\\N" { return nil }
        guard field.contains("\\") else { return String(field) }
        var out = ""
        var escaping = false
        for c in field {
            if escaping {
                switch c {
                case "t": out.append("\t")
                case "n": out.append("\n")
                case "r": out.append("\r")
                case "b": out.append("\u{08}")
                case "f": out.append("\u{0C}")
                case "v": out.append("\u{0B}")
                default: out.append(c)
                }
                escaping = false
            } else if c == "\\" {
                escaping = true
            } else {
                out.append(c)
            }
        }
        return out
    }

    static func wrappedKeys(in script: String) -> [WrappedKeyCheck.Row] {
        rows(of: WrappedKey.schema, in: script).map { row in
            WrappedKeyCheck.Row(owner: (row["owner"] ?? nil) ?? "", purpose: (row["purpose"] ?? nil) ?? "",
                                version: Int((row["version"] ?? nil) ?? "") ?? 0,
                                status: (row["status"] ?? nil) ?? "", wrapped: (row["wrapped"] ?? nil) ?? "")
        }
    }
}
