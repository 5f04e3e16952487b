import CareFlowModels
import Foundation

/// How imports read a CSV file (the reader itself is `CareFlowModels.CSVTable`, shared with the
/// model datasets): column names compared without case or surrounding spaces, cells trimmed,
/// and an empty cell the same as a missing one.
extension CSVTable {
    /// The header as imports match it: trimmed and lowercased.
    public var columnNames: [String] {
        header.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
    }

    /// Each row as column name → trimmed non-empty value, with the line it starts on.
    public var rows: [(line: Int, values: [String: String])] {
        let names = columnNames
        return (0..<rowCount).map { index in
            var values: [String: String] = [:]
            for (name, cell) in zip(names, row(at: index)) {
                let trimmed = cell.trimmingCharacters(in: .whitespaces)
                if !trimmed.isEmpty { values[name] = trimmed }
            }
            return (line(ofRow: index), values)
        }
    }
}
