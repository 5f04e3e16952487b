import Foundation

/// Writes a model's raw features, labels and fold assignment as CSV so a reference
/// implementation (scikit-learn, in the parity test and the benchmark) can be run on exactly the
/// same rows and folds. Numeric missing values are empty cells; categories are written as text.
public enum ReferenceExport {
    public struct Spec: Codable, Sendable {
        public let name: String
        public let numeric: [String]
        public let categorical: [String]
        public let folds: Int
    }

    public static func write(_ data: FeatureColumns, folds: FoldAssignment, name: String, to directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var text = (data.features.map(\.name) + ["label", "fold"]).joined(separator: ",") + "\n"
        for row in 0..<data.rowCount {
            var cells: [String] = []
            for column in data.columns {
                switch column {
                case .numeric(let values): cells.append(values[row].isNaN ? "" : "\(values[row])")
                case .categorical(let values): cells.append(values[row])
                }
            }
            cells.append(data.labels[row] == 1 ? "1" : "0")
            cells.append(String(folds.folds[row]))
            text += cells.joined(separator: ",") + "\n"
        }
        try Data(text.utf8).write(to: directory.appendingPathComponent("data.csv"))
        let spec = Spec(
            name: name,
            numeric: data.features.filter { $0.kind == .numeric }.map(\.name),
            categorical: data.features.filter { $0.kind == .categorical }.map(\.name),
            folds: folds.foldCount)
        try JSONEncoder().encode(spec).write(to: directory.appendingPathComponent("spec.json"))
    }
}
