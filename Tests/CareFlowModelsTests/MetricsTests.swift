import CareFlowModels
import Testing

@Suite("Metrics")
struct MetricsTests {
    // scikit-learn's documented example: roc_auc_score = 0.75, average_precision_score = 0.8333…
    let labels: [Double] = [0, 0, 1, 1]
    let scores = [0.1, 0.4, 0.35, 0.8]

    @Test func rocAUCMatchesScikitLearnExample() {
        #expect(abs(ClassificationMetrics.rocAUC(scores: scores, labels: labels) - 0.75) < 1e-12)
    }

    @Test func averagePrecisionMatchesScikitLearnExample() {
        #expect(abs(ClassificationMetrics.averagePrecision(scores: scores, labels: labels) - 0.8333333333333333) < 1e-12)
    }

    @Test("tied scores count one half")
    func tiesCountHalf() {
        #expect(ClassificationMetrics.rocAUC(scores: [0.5, 0.5, 0.5, 0.5], labels: labels) == 0.5)
        #expect(ClassificationMetrics.rocAUC(scores: [0.2, 0.6, 0.6, 0.9], labels: labels) == 0.875)
    }

    @Test func brierAndRates() {
        #expect(abs(ClassificationMetrics.brier(probabilities: [0.1, 0.9, 0.8, 0.3], labels: [0, 1, 1, 0]) - 0.0375) < 1e-12)
        let rates = ClassificationMetrics.sensitivitySpecificity(
            probabilities: [0.2, 0.6, 0.7, 0.4, 0.9], labels: [0, 0, 1, 1, 1], threshold: 0.5)
        #expect(abs(rates.sensitivity - 2.0 / 3) < 1e-12)
        #expect(rates.specificity == 0.5)
    }

    @Test("calibration table bins probabilities into tenths")
    func calibrationTable() {
        let table = CalibrationBin.table(probabilities: [0.05, 0.07, 0.95, 1.0, 0.55], labels: [0, 1, 1, 1, 0])
        #expect(table.count == 10)
        #expect(table[0].count == 2 && table[0].observedRate == 0.5)
        #expect(table[9].count == 2 && table[9].observedRate == 1)
        #expect(table[5].count == 1 && table[5].meanPredicted == 0.55)
        #expect(table[3].meanPredicted == nil)
    }

    @Test("Platt scaling recovers a known miscalibration")
    func plattScaling() {
        var generator = SplitMix64(seed: 3)
        var logits: [Double] = []
        var outcomes: [Double] = []
        for _ in 0..<20_000 {
            let logit = Double(generator.below(2001)) / 200 - 5
            let trueProbability = 1 / (1 + exp(-(0.5 * logit - 1)))
            logits.append(logit)
            outcomes.append(Double(generator.below(1_000_000)) / 1_000_000 < trueProbability ? 1 : 0)
        }
        let platt = PlattScaling.fit(logits: logits, labels: outcomes)
        #expect(abs(platt.slope - 0.5) < 0.05)
        #expect(abs(platt.intercept + 1) < 0.1)
    }
}

import Foundation
