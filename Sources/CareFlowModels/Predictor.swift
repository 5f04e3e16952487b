import Foundation

/// Predicts with a loaded model file. Layouts are resolved once here so a prediction is a few
/// dictionary look-ups and a dot product or tree walks.
public struct Predictor: Sendable {
    public let model: ModelFile

    private enum Slot: Sendable {
        case numeric(column: Int, indicator: Int?, parameters: Preprocessor.NumericParameters)
        case categorical(firstColumn: Int, levels: [String: Int])
    }

    private let slots: [Slot]
    private let featureIndex: [String: Int]
    private let learner: FittedLearner
    /// Encoded vector of an all-zero raw input: −mean/scale per column.
    private let zeroRow: [Double]
    private let inverseScales: [Double]

    public init(model: ModelFile) throws(ModelFileError) {
        guard let learner = model.fittedLearner else {
            throw .corrupt(file: model.fileName, reason: "no learner")
        }
        let preprocessing = model.preprocessing
        var numericColumn = 0
        var indicatorColumn = preprocessing.numeric.count
        var oneHotColumn = indicatorColumn + preprocessing.numeric.filter(\.hasMissingIndicator).count
        var numericPosition = 0, categoricalPosition = 0
        var slots: [Slot] = []
        for feature in model.features {
            switch feature.kind {
            case .numeric:
                let parameters = preprocessing.numeric[numericPosition]
                slots.append(.numeric(column: numericColumn, indicator: parameters.hasMissingIndicator ? indicatorColumn : nil,
                                      parameters: parameters))
                if parameters.hasMissingIndicator { indicatorColumn += 1 }
                numericColumn += 1
                numericPosition += 1
            case .categorical:
                let levels = preprocessing.categorical[categoricalPosition].levels
                slots.append(.categorical(firstColumn: oneHotColumn,
                                          levels: Dictionary(uniqueKeysWithValues: levels.enumerated().map { ($1, $0) })))
                oneHotColumn += levels.count
                categoricalPosition += 1
            }
        }
        guard oneHotColumn == preprocessing.outputCount else {
            throw .corrupt(file: model.fileName, reason: "preprocessing layout does not match the features")
        }
        self.model = model
        self.slots = slots
        self.learner = learner
        self.featureIndex = Dictionary(uniqueKeysWithValues: model.features.enumerated().map { ($1.name, $0) })
        self.zeroRow = zip(preprocessing.means, preprocessing.scales).map { -$0 / $1 }
        self.inverseScales = preprocessing.scales.map { 1 / $0 }
    }

    public func predict(_ inputs: [String: Double?]) throws(PredictionError) -> Prediction {
        var values: [String: FeatureValue] = [:]
        for (name, value) in inputs { values[name] = value.map(FeatureValue.number) ?? .missing }
        return try predict(values)
    }

    public func predict(_ inputs: [String: FeatureValue]) throws(PredictionError) -> Prediction {
        for name in inputs.keys where featureIndex[name] == nil { throw .unknownFeature(name) }
        var row = zeroRow
        var extrapolated: [String] = []
        var imputed: [String] = []
        for (index, feature) in model.features.enumerated() {
            let input = inputs[feature.name] ?? .missing
            switch slots[index] {
            case .numeric(let column, let indicator, let parameters):
                var value: Double
                switch input {
                case .number(let number): value = number
                case .category(let text):
                    guard let number = Double(text) else { throw .notANumber(feature: feature.name) }
                    value = number
                case .missing:
                    value = .nan
                }
                if value.isNaN, case .number = input { throw .nonFiniteValue(feature: feature.name) }
                guard !value.isInfinite else { throw .nonFiniteValue(feature: feature.name) }
                if value.isNaN {
                    imputed.append(feature.name)
                    value = parameters.median
                    if let indicator { row[indicator] += inverseScales[indicator] }
                } else if value < parameters.trainingMin || value > parameters.trainingMax {
                    extrapolated.append(feature.name)
                }
                row[column] += value * inverseScales[column]
            case .categorical(let firstColumn, let levels):
                let level: String
                switch input {
                case .number(let code):
                    guard code.isFinite else { throw .nonFiniteValue(feature: feature.name) }
                    level = FeatureValue.categoryText(forCode: code)
                case .category(let text): level = text
                case .missing:
                    imputed.append(feature.name)
                    level = FeatureValue.missingCategory
                }
                if let position = levels[level] {
                    row[firstColumn + position] += inverseScales[firstColumn + position]
                } else if level != FeatureValue.missingCategory {
                    extrapolated.append(feature.name)  // a code never seen in training
                }
            }
        }
        let featureCount = model.features.count
        var contributions = [Double](repeating: 0, count: featureCount)
        let logit: Double = row.withUnsafeBufferPointer { row in
            switch learner {
            case .logisticRegression(let lr):
                var z = lr.intercept
                for column in 0..<row.count {
                    let push = lr.coefficients[column] * row[column]
                    contributions[model.preprocessing.outputFeature[column]] += push
                    z += push
                }
                return z
            case .gradientBoosting(let trees):
                var byColumn = [Double](repeating: 0, count: row.count)
                var z = trees.baseline
                for tree in trees.trees { z += tree.accumulateContributions(row, into: &byColumn) }
                for column in 0..<row.count { contributions[model.preprocessing.outputFeature[column]] += byColumn[column] }
                return z
            }
        }
        return Prediction(
            model: model.name, version: model.version, probability: model.calibration.probability(logit: logit), logit: logit,
            contributions: zip(model.features, contributions).map { FeatureContribution(feature: $0.name, logOdds: $1) },
            extrapolatedFeatures: extrapolated, imputedFeatures: imputed)
    }
}
