/// Cross-validated performance of a model, stored in its model file.
public struct EvaluationReport: Sendable, Codable, Equatable {
    public let folds: Int
    /// True when rows of one patient were kept in one fold.
    public let groupedByPatient: Bool
    public let rows: Int
    public let positives: Int
    /// Mean of the per-fold ROC AUCs (what `cross_val_score` reports).
    public let rocAUC: Double
    public let rocAUCByFold: [Double]
    /// Average precision of the pooled out-of-fold predictions.
    public let averagePrecision: Double
    /// Brier score of the pooled, calibrated out-of-fold probabilities.
    public let brier: Double
    /// Brier score before calibration, for comparison.
    public let brierUncalibrated: Double
    public let logLoss: Double
    /// Probability at or above which a case counts as positive (maximises Youden's J out of fold).
    public let threshold: Double
    public let sensitivity: Double
    public let specificity: Double
    public let calibration: [CalibrationBin]
}
