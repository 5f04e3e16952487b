import Foundation

/// How to train: learner, seed, folds, the version number to write and the `trained_at` stamp.
public struct TrainingOptions: Sendable {
    /// Nil trains the model's default learner.
    public var learner: LearnerSettings?
    public var seed: UInt64
    public var folds: Int
    public var version: Int
    public var trainedAt: Date

    public static let shippedSeed: UInt64 = 42

    public init(learner: LearnerSettings? = nil, seed: UInt64 = shippedSeed, folds: Int = 5, version: Int = 1, trainedAt: Date) {
        precondition(folds >= 2, "cross-validation needs at least two folds")
        self.learner = learner
        self.seed = seed
        self.folds = folds
        self.version = version
        self.trainedAt = trainedAt
    }
}
