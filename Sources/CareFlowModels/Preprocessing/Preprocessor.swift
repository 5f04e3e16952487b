import Foundation

/// Turns feature values into the learner's input vector, with parameters fitted on training rows
/// only. Output columns, in scikit-learn's `ColumnTransformer` order:
/// 1. numeric features, missing values replaced by the training median;
/// 2. a 0/1 missing-indicator for each numeric feature that had missing values in training;
/// 3. one-hot columns for each categorical feature, levels sorted; unseen levels are all zeros.
/// Every column is then standardised (training mean and population standard deviation).
public struct Preprocessor: Sendable, Codable, Equatable {
    public struct NumericParameters: Sendable, Codable, Equatable {
        public let feature: String
        public let median: Double
        public let hasMissingIndicator: Bool
        /// Range seen in training; predictions outside it are flagged as extrapolated.
        public let trainingMin: Double
        public let trainingMax: Double
    }

    public struct CategoricalParameters: Sendable, Codable, Equatable {
        public let feature: String
        public let levels: [String]
    }

    public let numeric: [NumericParameters]
    public let categorical: [CategoricalParameters]
    public let outputNames: [String]
    /// For each output column, the index (in the model's feature list) of the feature it came from.
    public let outputFeature: [Int]
    public let means: [Double]
    public let scales: [Double]

    public var outputCount: Int { outputNames.count }

    /// Fits on the rows `training` of `data`.
    public static func fit(_ data: FeatureColumns, rows training: [Int]) -> Preprocessor {
        var numeric: [NumericParameters] = []
        var categorical: [CategoricalParameters] = []
        var numericFeatureIndex: [Int] = []
        var categoricalFeatureIndex: [Int] = []
        for (index, column) in data.columns.enumerated() {
            let name = data.features[index].name
            switch column {
            case .numeric(let values):
                let present = training.map { values[$0] }.filter { !$0.isNaN }.sorted()
                let median = Self.median(ofSorted: present)
                numeric.append(NumericParameters(
                    feature: name, median: median, hasMissingIndicator: present.count < training.count,
                    trainingMin: present.first ?? median, trainingMax: present.last ?? median))
                numericFeatureIndex.append(index)
            case .categorical(let values):
                let levels = Set(training.map { values[$0] }).sorted()
                categorical.append(CategoricalParameters(feature: name, levels: levels))
                categoricalFeatureIndex.append(index)
            }
        }
        var names: [String] = []
        var sources: [Int] = []
        for (position, parameters) in numeric.enumerated() {
            names.append(parameters.feature)
            sources.append(numericFeatureIndex[position])
        }
        for (position, parameters) in numeric.enumerated() where parameters.hasMissingIndicator {
            names.append(parameters.feature + "_missing")
            sources.append(numericFeatureIndex[position])
        }
        for (position, parameters) in categorical.enumerated() {
            for level in parameters.levels {
                names.append(parameters.feature + "=" + level)
                sources.append(categoricalFeatureIndex[position])
            }
        }
        let unscaled = Preprocessor(
            numeric: numeric, categorical: categorical, outputNames: names, outputFeature: sources,
            means: [Double](repeating: 0, count: names.count), scales: [Double](repeating: 1, count: names.count))
        let encoded = unscaled.transform(data, rows: training)
        var means = [Double](repeating: 0, count: names.count)
        var scales = [Double](repeating: 0, count: names.count)
        let count = Double(training.count)
        for column in 0..<names.count {
            var sum = 0.0
            for row in 0..<encoded.rows { sum += encoded[row, column] }
            let mean = sum / count
            var squares = 0.0
            for row in 0..<encoded.rows {
                let delta = encoded[row, column] - mean
                squares += delta * delta
            }
            let deviation = (squares / count).squareRoot()
            means[column] = mean
            // Like scikit-learn's StandardScaler: a constant column is centred but not scaled.
            scales[column] = deviation < 10 * Double.ulpOfOne * max(abs(mean), 1) ? 1 : deviation
        }
        return Preprocessor(
            numeric: numeric, categorical: categorical, outputNames: names, outputFeature: sources,
            means: means, scales: scales)
    }

    /// Median as numpy computes it: the mean of the two middle values for an even count.
    static func median(ofSorted values: [Double]) -> Double {
        guard !values.isEmpty else { return 0 }
        let middle = values.count / 2
        return values.count % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2
    }

    /// Encodes the rows `selected` of `data`.
    public func transform(_ data: FeatureColumns, rows selected: [Int]) -> Matrix {
        let width = outputCount
        var out = [Double](repeating: 0, count: selected.count * width)
        var numericPosition = 0
        var categoricalPosition = 0
        let indicatorStart = numeric.count
        var indicatorColumn = indicatorStart
        let oneHotStart = indicatorStart + numeric.filter(\.hasMissingIndicator).count
        var oneHotColumn = oneHotStart
        for column in data.columns {
            switch column {
            case .numeric(let values):
                let parameters = numeric[numericPosition]
                for (row, source) in selected.enumerated() {
                    let value = values[source]
                    out[row * width + numericPosition] = value.isNaN ? parameters.median : value
                    if parameters.hasMissingIndicator, value.isNaN { out[row * width + indicatorColumn] = 1 }
                }
                if parameters.hasMissingIndicator { indicatorColumn += 1 }
                numericPosition += 1
            case .categorical(let values):
                let levels = categorical[categoricalPosition].levels
                let lookup = Dictionary(uniqueKeysWithValues: levels.enumerated().map { ($1, $0) })
                for (row, source) in selected.enumerated() {
                    if let level = lookup[values[source]] { out[row * width + oneHotColumn + level] = 1 }
                }
                oneHotColumn += levels.count
                categoricalPosition += 1
            }
        }
        for row in 0..<selected.count {
            for column in 0..<width {
                out[row * width + column] = (out[row * width + column] - means[column]) / scales[column]
            }
        }
        return Matrix(rows: selected.count, columns: width, values: out)
    }
}
