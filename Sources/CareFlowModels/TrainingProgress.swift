/// What `careflow model train` reports while it works.
public enum TrainingProgress: Sendable, Equatable {
    case datasetLoaded(rows: Int, positives: Int)
    case crossValidating(folds: Int, parallel: Int)
    case foldFinished(fold: Int, of: Int, rocAUC: Double)
    case fittingFinalModel
    case finished(rocAUC: Double)
}
