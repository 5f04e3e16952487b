/// One feature's push on a prediction, in log-odds before calibration, relative to the
/// training average (LR: coefficient × standardised value; GBT: the changes along the tree paths).
public struct FeatureContribution: Sendable, Equatable, Codable {
    public let feature: String
    public let logOdds: Double
}

public struct Prediction: Sendable, Equatable {
    public let model: String
    public let version: Int
    /// Calibrated probability of the outcome.
    public let probability: Double
    /// The learner's logit before calibration.
    public let logit: Double
    /// One entry per model feature, in the model's feature order.
    public let contributions: [FeatureContribution]
    /// Inputs outside what training saw (a number beyond the training min/max, or a category code
    /// never seen): the model is extrapolating.
    public let extrapolatedFeatures: [String]
    /// Inputs that were absent or null and were imputed from training data.
    public let imputedFeatures: [String]

    public var extrapolated: Bool { !extrapolatedFeatures.isEmpty }
}

public enum PredictionError: Error, Equatable, CustomStringConvertible {
    case unknownFeature(String)
    case notANumber(feature: String)
    case nonFiniteValue(feature: String)

    public var description: String {
        switch self {
        case .unknownFeature(let name): "unknown input \(name)"
        case .notANumber(let name): "input \(name) must be a number"
        case .nonFiniteValue(let name): "input \(name) must be a finite number"
        }
    }
}
