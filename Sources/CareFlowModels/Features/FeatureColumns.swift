/// A model's features read out of a dataset, column by column, with the labels (and patient ids
/// where rows share a patient). Numeric missing values are NaN; categorical ones are `missing`.
public struct FeatureColumns: Sendable {
    public enum Column: Sendable {
        case numeric([Double])
        case categorical([String])
    }

    public let features: [FeatureSpec]
    public let columns: [Column]
    public let labels: [Double]
    public let groups: [String]?

    public var rowCount: Int { labels.count }
    public var positives: Int { Int(labels.reduce(0, +)) }

    public init(features: [FeatureSpec], columns: [Column], labels: [Double], groups: [String]?) {
        self.features = features
        self.columns = columns
        self.labels = labels
        self.groups = groups
    }

    /// Reads the features of `definition` from `table`.
    public static func extract(
        _ definition: ModelDefinition, from table: CSVTable, file: String
    ) throws(DatasetError) -> FeatureColumns {
        func cells(_ column: String) throws(DatasetError) -> [String] {
            guard let index = table.columnIndex(column) else { throw .missingColumn(file: file, column: column) }
            return table.column(at: index)
        }
        var columns: [Column] = []
        for feature in definition.features {
            let raw = try cells(feature.column)
            switch feature.kind {
            case .numeric:
                columns.append(.numeric(raw.map { readNumber($0, encoding: feature.encoding) }))
            case .categorical:
                columns.append(.categorical(raw.map(readCategory)))
            }
        }
        let labels = try cells(definition.target.column).map { definition.target.isPositive($0) ? 1.0 : 0.0 }
        let groups = try definition.groupColumn.map { column throws(DatasetError) in try cells(column) }
        return FeatureColumns(features: definition.features, columns: columns, labels: labels, groups: groups)
    }

    static func readNumber(_ cell: String, encoding: FeatureSpec.CellEncoding) -> Double {
        switch encoding {
        case .number, .category:
            return Double(cell) ?? .nan
        case .numberWithZeroAsMissing:
            guard let value = Double(cell), value != 0 else { return .nan }
            return value
        case .ageBracketMidpoint:
            // "[70-80)" → 75
            let bounds = cell.split(whereSeparator: { !"0123456789".contains($0) }).compactMap { Double($0) }
            guard bounds.count == 2 else { return .nan }
            return (bounds[0] + bounds[1]) / 2
        case .mapped(let table):
            return table[cell] ?? .nan
        }
    }

    static func readCategory(_ cell: String) -> String {
        if cell.isEmpty || cell == "?" || cell == "NA" { return FeatureValue.missingCategory }
        if let number = Double(cell) { return FeatureValue.categoryText(forCode: number) }
        return cell
    }
}
