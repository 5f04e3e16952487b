/// What a model predicts and from what: the recipe the trainer follows.
public struct ModelDefinition: Sendable, Hashable {
    public enum Learner: String, Sendable, Codable, CaseIterable {
        /// L2-regularised logistic regression.
        case lr
        /// Histogram gradient-boosted trees.
        case gbt
    }

    public let name: String
    public let title: String
    public let dataset: DatasetDescriptor
    public let target: TargetSpec
    public let features: [FeatureSpec]
    /// Rows sharing a value here (a patient) are kept in the same cross-validation fold.
    public let groupColumn: String?
    public let defaultLearner: Learner

    public init(
        name: String, title: String, dataset: DatasetDescriptor, target: TargetSpec,
        features: [FeatureSpec], groupColumn: String? = nil, defaultLearner: Learner
    ) {
        self.name = name
        self.title = title
        self.dataset = dataset
        self.target = target
        self.features = features
        self.groupColumn = groupColumn
        self.defaultLearner = defaultLearner
    }
}
