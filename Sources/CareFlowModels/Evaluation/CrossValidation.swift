import Dispatch
import Foundation
import Synchronization

/// Out-of-fold predictions for every row and the report computed from them.
public struct CrossValidationResult: Sendable {
    public let folds: FoldAssignment
    /// Uncalibrated logit for each row, from the model that did not see that row.
    public let outOfFoldLogits: [Double]
    /// Calibrated probability for each row. Each fold's Platt scaling is fitted on the other
    /// folds' out-of-fold logits, so no row calibrates its own prediction.
    public let calibratedProbabilities: [Double]
    public let report: EvaluationReport
}

public enum CrossValidation {
    private struct FoldOutcome: Sendable {
        let rows: [Int]
        let logits: [Double]
        let rocAUC: Double
    }

    /// Fits `learner` on each fold's training rows (preprocessing fitted there too) and predicts
    /// the held-out rows.
    public static func run(
        _ data: FeatureColumns, folds: FoldAssignment, learner: LearnerSettings, seed: UInt64,
        progress: (TrainingProgress) -> Void = { _ in }
    ) -> CrossValidationResult {
        // Folds are independent, so they are fitted in parallel; each writes only its own slot,
        // so the result does not depend on scheduling.
        progress(.crossValidating(folds: folds.foldCount, parallel: ProcessInfo.processInfo.activeProcessorCount))
        let outcomes = Mutex([FoldOutcome?](repeating: nil, count: folds.foldCount))
        DispatchQueue.concurrentPerform(iterations: folds.foldCount) { fold in
            let training = folds.trainingRows(fold)
            let testing = folds.testRows(fold)
            let fitted = FittedModel.fit(data, rows: training, learner: learner, seed: foldSeed(seed, fold))
            let predicted = fitted.learner.logits(fitted.preprocessor.transform(data, rows: testing))
            let auc = ClassificationMetrics.rocAUC(scores: predicted, labels: testing.map { data.labels[$0] })
            outcomes.withLock { $0[fold] = FoldOutcome(rows: testing, logits: predicted, rocAUC: auc) }
        }
        var logits = [Double](repeating: 0, count: data.rowCount)
        var foldAUCs: [Double] = []
        for (fold, outcome) in outcomes.withLock({ $0 }).enumerated() {
            let outcome = outcome!
            for (row, logit) in zip(outcome.rows, outcome.logits) { logits[row] = logit }
            foldAUCs.append(outcome.rocAUC)
            progress(.foldFinished(fold: fold + 1, of: folds.foldCount, rocAUC: outcome.rocAUC))
        }
        var calibrated = [Double](repeating: 0, count: data.rowCount)
        for fold in 0..<folds.foldCount {
            let others = folds.trainingRows(fold)
            let platt = PlattScaling.fit(logits: others.map { logits[$0] }, labels: others.map { data.labels[$0] })
            for row in folds.testRows(fold) { calibrated[row] = platt.probability(logit: logits[row]) }
        }
        let uncalibrated = logits.map(Logistic.sigmoid)
        let labels = data.labels
        let threshold = ClassificationMetrics.youdenThreshold(probabilities: calibrated, labels: labels)
        let rates = ClassificationMetrics.sensitivitySpecificity(probabilities: calibrated, labels: labels, threshold: threshold)
        let report = EvaluationReport(
            folds: folds.foldCount, groupedByPatient: data.groups != nil, rows: data.rowCount, positives: data.positives,
            rocAUC: foldAUCs.reduce(0, +) / Double(foldAUCs.count), rocAUCByFold: foldAUCs,
            averagePrecision: ClassificationMetrics.averagePrecision(scores: logits, labels: labels),
            brier: ClassificationMetrics.brier(probabilities: calibrated, labels: labels),
            brierUncalibrated: ClassificationMetrics.brier(probabilities: uncalibrated, labels: labels),
            logLoss: ClassificationMetrics.logLoss(probabilities: calibrated, labels: labels),
            threshold: threshold, sensitivity: rates.sensitivity, specificity: rates.specificity,
            calibration: CalibrationBin.table(probabilities: calibrated, labels: labels))
        return CrossValidationResult(
            folds: folds, outOfFoldLogits: logits, calibratedProbabilities: calibrated, report: report)
    }

    /// A distinct, reproducible seed per fold for learners that draw random numbers.
    static func foldSeed(_ seed: UInt64, _ fold: Int) -> UInt64 {
        var generator = SplitMix64(seed: seed &+ UInt64(fold + 1))
        return generator.next()
    }
}
