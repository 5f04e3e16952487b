/// Which cross-validation fold each row is tested in.
public struct FoldAssignment: Sendable, Equatable {
    public let foldCount: Int
    /// `folds[row]` is in 0..<foldCount.
    public let folds: [Int]

    public func testRows(_ fold: Int) -> [Int] { folds.indices.filter { folds[$0] == fold } }
    public func trainingRows(_ fold: Int) -> [Int] { folds.indices.filter { folds[$0] != fold } }

    /// Stratified k-fold: each class is shuffled and dealt round-robin, so every fold has nearly
    /// the same share of positives.
    public static func stratified(labels: [Double], folds k: Int, seed: UInt64) -> FoldAssignment {
        var generator = SplitMix64(seed: seed)
        var folds = [Int](repeating: 0, count: labels.count)
        var dealt = 0
        for label in [1.0, 0.0] {
            var rows = labels.indices.filter { labels[$0] == label }
            generator.shuffle(&rows)
            for row in rows {
                folds[row] = dealt % k
                dealt += 1
            }
        }
        return FoldAssignment(foldCount: k, folds: folds)
    }

    /// Stratified k-fold where all rows of a group (a patient) land in the same fold, so a model
    /// is never tested on a patient it was trained on. Groups are shuffled, then placed largest
    /// first into the fold that keeps positives and negatives closest to an even split.
    public static func groupedStratified(labels: [Double], groups: [String], folds k: Int, seed: UInt64) -> FoldAssignment {
        var members: [String: [Int]] = [:]
        var order: [String] = []
        for (row, group) in groups.enumerated() {
            if members[group] == nil { order.append(group) }
            members[group, default: []].append(row)
        }
        var generator = SplitMix64(seed: seed)
        generator.shuffle(&order)
        // Stable sort by size keeps the shuffled order among equal sizes.
        let ranked = order.enumerated().sorted { lhs, rhs in
            let left = members[lhs.element]!.count, right = members[rhs.element]!.count
            return left != right ? left > right : lhs.offset < rhs.offset
        }.map(\.element)
        let totalPositives = labels.reduce(0, +)
        let targetPositives = totalPositives / Double(k)
        let targetNegatives = (Double(labels.count) - totalPositives) / Double(k)
        var positives = [Double](repeating: 0, count: k)
        var negatives = [Double](repeating: 0, count: k)
        var folds = [Int](repeating: 0, count: labels.count)
        for group in ranked {
            let rows = members[group]!
            let groupPositives = rows.reduce(0.0) { $0 + labels[$1] }
            let groupNegatives = Double(rows.count) - groupPositives
            var best = 0
            var bestFill = Double.infinity
            for fold in 0..<k {
                let fill = max((positives[fold] + groupPositives) / targetPositives,
                               (negatives[fold] + groupNegatives) / targetNegatives)
                if fill < bestFill {
                    bestFill = fill
                    best = fold
                }
            }
            positives[best] += groupPositives
            negatives[best] += groupNegatives
            for row in rows { folds[row] = best }
        }
        return FoldAssignment(foldCount: k, folds: folds)
    }
}
