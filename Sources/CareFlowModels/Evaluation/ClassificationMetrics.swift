import Foundation

/// Scores of probabilistic predictions against 0/1 labels, defined as scikit-learn defines them.
public enum ClassificationMetrics {
    /// Area under the ROC curve: the probability that a random positive outranks a random
    /// negative, ties counting one half (Mann–Whitney U with average ranks).
    public static func rocAUC(scores: [Double], labels: [Double]) -> Double {
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        var rankSumPositives = 0.0
        var start = 0
        while start < order.count {
            var end = start
            while end + 1 < order.count, scores[order[end + 1]] == scores[order[start]] { end += 1 }
            let averageRank = Double(start + end) / 2 + 1
            for index in start...end where labels[order[index]] == 1 { rankSumPositives += averageRank }
            start = end + 1
        }
        let positives = labels.reduce(0, +)
        let negatives = Double(labels.count) - positives
        guard positives > 0, negatives > 0 else { return .nan }
        return (rankSumPositives - positives * (positives + 1) / 2) / (positives * negatives)
    }

    /// Average precision, scikit-learn's step-wise area under the precision–recall curve:
    /// Σ (Rₙ − Rₙ₋₁)·Pₙ over distinct score thresholds, highest first.
    public static func averagePrecision(scores: [Double], labels: [Double]) -> Double {
        let order = scores.indices.sorted { scores[$0] > scores[$1] }
        let positives = labels.reduce(0, +)
        guard positives > 0 else { return .nan }
        var truePositives = 0.0, seen = 0.0, previousRecall = 0.0, area = 0.0
        var start = 0
        while start < order.count {
            var end = start
            while end + 1 < order.count, scores[order[end + 1]] == scores[order[start]] { end += 1 }
            for index in start...end { truePositives += labels[order[index]] }
            seen += Double(end - start + 1)
            let recall = truePositives / positives
            area += (recall - previousRecall) * (truePositives / seen)
            previousRecall = recall
            start = end + 1
        }
        return area
    }

    /// Mean squared difference between predicted probability and outcome.
    public static func brier(probabilities: [Double], labels: [Double]) -> Double {
        zip(probabilities, labels).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } / Double(labels.count)
    }

    public static func logLoss(probabilities: [Double], labels: [Double]) -> Double {
        zip(probabilities, labels).reduce(0) { sum, pair in
            let p = min(max(pair.0, 1e-15), 1 - 1e-15)
            return sum - (pair.1 == 1 ? log(p) : log(1 - p))
        } / Double(labels.count)
    }

    /// Sensitivity and specificity when probabilities at or above `threshold` count as positive.
    public static func sensitivitySpecificity(
        probabilities: [Double], labels: [Double], threshold: Double
    ) -> (sensitivity: Double, specificity: Double) {
        var truePositive = 0.0, falseNegative = 0.0, trueNegative = 0.0, falsePositive = 0.0
        for (p, y) in zip(probabilities, labels) {
            switch (p >= threshold, y == 1) {
            case (true, true): truePositive += 1
            case (false, true): falseNegative += 1
            case (false, false): trueNegative += 1
            case (true, false): falsePositive += 1
            }
        }
        return (truePositive / max(truePositive + falseNegative, 1), trueNegative / max(trueNegative + falsePositive, 1))
    }

    /// The threshold maximising Youden's J = sensitivity + specificity − 1.
    public static func youdenThreshold(probabilities: [Double], labels: [Double]) -> Double {
        let order = probabilities.indices.sorted { probabilities[$0] > probabilities[$1] }
        let positives = labels.reduce(0, +)
        let negatives = Double(labels.count) - positives
        var truePositive = 0.0, falsePositive = 0.0
        var best = -1.0, bestThreshold = 0.5
        var start = 0
        while start < order.count {
            var end = start
            while end + 1 < order.count, probabilities[order[end + 1]] == probabilities[order[start]] { end += 1 }
            for index in start...end {
                if labels[order[index]] == 1 { truePositive += 1 } else { falsePositive += 1 }
            }
            let j = truePositive / positives - falsePositive / negatives
            if j > best {
                best = j
                bestThreshold = probabilities[order[start]]
            }
            start = end + 1
        }
        return bestThreshold
    }
}
