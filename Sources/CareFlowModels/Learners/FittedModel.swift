/// A trained learner of either kind.
public enum FittedLearner: Sendable, Equatable {
    case logisticRegression(LogisticRegression)
    case gradientBoosting(GradientBoostedTrees)

    public func logits(_ x: Matrix) -> [Double] {
        switch self {
        case .logisticRegression(let model): model.logits(x)
        case .gradientBoosting(let model): model.logits(x)
        }
    }
}

/// Preprocessing and learner fitted together on the same rows.
struct FittedModel {
    let preprocessor: Preprocessor
    let learner: FittedLearner

    static func fit(_ data: FeatureColumns, rows: [Int], learner: LearnerSettings, seed: UInt64) -> FittedModel {
        let preprocessor = Preprocessor.fit(data, rows: rows)
        let x = preprocessor.transform(data, rows: rows)
        let y = rows.map { data.labels[$0] }
        switch learner {
        case .logisticRegression(let parameters):
            return FittedModel(preprocessor: preprocessor,
                               learner: .logisticRegression(LogisticRegression.fit(x, labels: y, parameters: parameters)))
        case .gradientBoosting(let parameters):
            return FittedModel(preprocessor: preprocessor,
                               learner: .gradientBoosting(GradientBoostedTrees.fit(x, labels: y, parameters: parameters, seed: seed)))
        }
    }
}
