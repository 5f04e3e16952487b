/// A learner and its hyper-parameters.
public enum LearnerSettings: Sendable, Equatable {
    case logisticRegression(LogisticRegression.Parameters)
    case gradientBoosting(GradientBoostedTrees.Parameters)

    public static func defaults(for learner: ModelDefinition.Learner) -> LearnerSettings {
        switch learner {
        case .lr: .logisticRegression(LogisticRegression.Parameters())
        case .gbt: .gradientBoosting(GradientBoostedTrees.Parameters())
        }
    }

    public var kind: ModelDefinition.Learner {
        switch self {
        case .logisticRegression: .lr
        case .gradientBoosting: .gbt
        }
    }
}
