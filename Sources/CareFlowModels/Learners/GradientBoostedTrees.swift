import Foundation

/// Histogram gradient-boosted trees for binary log-loss, following scikit-learn's
/// `HistGradientBoostingClassifier`: 255 quantile bins per column, best-first tree growth up to
/// `maxLeafNodes`, `minSamplesLeaf`, L2 on leaf values, shrinkage, and early stopping on a
/// stratified validation split (by default when there are more than 10,000 rows, as there).
public struct GradientBoostedTrees: Sendable, Codable, Equatable {
    public struct Parameters: Sendable, Codable, Equatable {
        public enum EarlyStopping: String, Sendable, Codable { case auto, on, off }

        public var learningRate = 0.1
        public var maxIterations = 100
        public var maxLeafNodes = 31
        public var maxDepth: Int? = nil
        public var minSamplesLeaf = 20
        public var l2Regularization = 0.0
        public var maxBins = 255
        public var earlyStopping = EarlyStopping.auto
        public var validationFraction = 0.1
        public var iterationsWithoutChange = 10
        public var tolerance = 1e-7

        public init() {}
    }

    /// Log-odds of the training prevalence: the prediction before any tree.
    public let baseline: Double
    public let trees: [RegressionTree]

    public func logit(_ row: UnsafeBufferPointer<Double>) -> Double {
        var z = baseline
        for tree in trees { z += tree.leafValue(row) }
        return z
    }

    public func logits(_ x: Matrix) -> [Double] {
        x.values.withUnsafeBufferPointer { values in
            (0..<x.rows).map { row in
                logit(UnsafeBufferPointer(rebasing: values[(row * x.columns)..<((row + 1) * x.columns)]))
            }
        }
    }

    public static func fit(
        _ x: Matrix, labels y: [Double], parameters: Parameters = Parameters(), seed: UInt64
    ) -> GradientBoostedTrees {
        let useEarlyStopping = switch parameters.earlyStopping {
        case .on: true
        case .off: false
        case .auto: x.rows > 10_000
        }
        var trainRows = Array(0..<x.rows)
        var validationRows: [Int] = []
        if useEarlyStopping {
            (trainRows, validationRows) = stratifiedHoldout(labels: y, fraction: parameters.validationFraction, seed: seed)
        }
        let binning = FeatureBinning(fitting: x, rows: trainRows, maxBins: parameters.maxBins)
        let bins = binning.binned(x, rows: trainRows)
        let trainLabels = trainRows.map { y[$0] }
        let positives = trainLabels.reduce(0, +)
        let prior = min(max(positives / Double(trainRows.count), 1e-15), 1 - 1e-15)
        let baseline = log(prior / (1 - prior))

        var raw = [Double](repeating: baseline, count: trainRows.count)
        var validationRaw = [Double](repeating: baseline, count: validationRows.count)
        var gradients = [Double](repeating: 0, count: trainRows.count)
        var hessians = [Double](repeating: 0, count: trainRows.count)
        var scores: [Double] = []
        func validationScore() -> Double {
            var loss = 0.0
            for (position, row) in validationRows.enumerated() {
                loss += Logistic.softplus(validationRaw[position]) - y[row] * validationRaw[position]
            }
            return -loss / Double(validationRows.count)
        }
        if useEarlyStopping { scores.append(validationScore()) }

        var grower = TreeGrower(
            bins: bins, rowCount: trainRows.count, binCounts: binning.binCounts,
            thresholds: binning.thresholds, parameters: parameters)
        var trees: [RegressionTree] = []
        for _ in 0..<parameters.maxIterations {
            for index in 0..<trainRows.count {
                let probability = Logistic.sigmoid(raw[index])
                gradients[index] = probability - trainLabels[index]
                hessians[index] = probability * (1 - probability)
            }
            let (tree, leaves) = grower.grow(gradients: gradients, hessians: hessians)
            trees.append(tree)
            for leaf in leaves {
                for position in leaf.rows { raw[Int(grower.order[position])] += leaf.value }
            }
            if useEarlyStopping {
                x.values.withUnsafeBufferPointer { values in
                    for (position, row) in validationRows.enumerated() {
                        validationRaw[position] += tree.leafValue(
                            UnsafeBufferPointer(rebasing: values[(row * x.columns)..<((row + 1) * x.columns)]))
                    }
                }
                scores.append(validationScore())
                if shouldStop(scores, patience: parameters.iterationsWithoutChange, tolerance: parameters.tolerance) { break }
            }
        }
        return GradientBoostedTrees(baseline: baseline, trees: trees)
    }

    /// scikit-learn's rule: stop when none of the last `patience` scores beat the one before
    /// them by more than `tolerance`.
    static func shouldStop(_ scores: [Double], patience: Int, tolerance: Double) -> Bool {
        guard scores.count > patience else { return false }
        let reference = scores[scores.count - patience - 1] + tolerance
        return !scores.suffix(patience).contains { $0 > reference }
    }

    static func stratifiedHoldout(labels: [Double], fraction: Double, seed: UInt64) -> (train: [Int], holdout: [Int]) {
        var generator = SplitMix64(seed: seed ^ 0x5EED_0F_E4_21_57_0B)
        var train: [Int] = []
        var holdout: [Int] = []
        for label in [0.0, 1.0] {
            var rows = labels.indices.filter { labels[$0] == label }
            generator.shuffle(&rows)
            let held = Int((Double(rows.count) * fraction).rounded())
            holdout += rows[0..<held]
            train += rows[held...]
        }
        return (train.sorted(), holdout.sorted())
    }
}

/// Grows one tree best-first on binned data, keeping each node's rows as a contiguous range of
/// `order` and building a child's histogram by subtraction from its parent where it can.
struct TreeGrower {
    struct Leaf {
        let rows: Range<Int>
        let value: Double
    }

    private struct Split {
        var gain = 0.0
        var feature = -1
        var bin = 0
        var leftGradient = 0.0
        var leftHessian = 0.0
        var leftCount = 0
    }

    private struct Node {
        let id: Int
        let rows: Range<Int>
        let gradient: Double
        let hessian: Double
        let depth: Int
        var histogram: [Double]
        var split: Split?
    }

    let bins: [UInt8]
    let rowCount: Int
    let binCounts: [Int]
    let thresholds: [[Double]]
    let parameters: GradientBoostedTrees.Parameters
    /// `binOffset[f]`: where column f's bins start in a histogram of (gradient, hessian, count) triples.
    let binOffset: [Int]
    let histogramSize: Int
    private(set) var order: [Int32]
    private var scratch: [Int32]
    private var orderedGradients: [Double]
    private var orderedHessians: [Double]

    init(bins: [UInt8], rowCount: Int, binCounts: [Int], thresholds: [[Double]], parameters: GradientBoostedTrees.Parameters) {
        self.bins = bins
        self.rowCount = rowCount
        self.binCounts = binCounts
        self.thresholds = thresholds
        self.parameters = parameters
        var offsets: [Int] = []
        var total = 0
        for count in binCounts {
            offsets.append(total)
            total += count
        }
        binOffset = offsets
        histogramSize = total * 3
        order = (0..<Int32(rowCount)).map { $0 }
        scratch = order
        orderedGradients = [Double](repeating: 0, count: rowCount)
        orderedHessians = [Double](repeating: 0, count: rowCount)
    }

    private func leafValue(_ gradient: Double, _ hessian: Double) -> Double {
        -parameters.learningRate * gradient / (hessian + parameters.l2Regularization + 1e-15)
    }

    mutating func grow(gradients: [Double], hessians: [Double]) -> (RegressionTree, [Leaf]) {
        for index in 0..<rowCount { order[index] = Int32(index) }
        var tree = RegressionTree()
        let totalGradient = gradients.reduce(0, +)
        let totalHessian = hessians.reduce(0, +)
        var root = Node(
            id: tree.addNode(value: leafValue(totalGradient, totalHessian)), rows: 0..<rowCount,
            gradient: totalGradient, hessian: totalHessian, depth: 0,
            histogram: histogram(rows: 0..<rowCount, gradients: gradients, hessians: hessians), split: nil)
        root.split = bestSplit(root)
        var open: [Node] = []
        var leaves: [Leaf] = []
        if root.split != nil { open.append(root) } else { leaves.append(Leaf(rows: root.rows, value: tree.value[root.id])) }
        var leafCount = 1

        while leafCount < parameters.maxLeafNodes, !open.isEmpty {
            var bestIndex = 0
            for index in 1..<open.count where open[index].split!.gain > open[bestIndex].split!.gain { bestIndex = index }
            let parent = open.remove(at: bestIndex)
            let split = parent.split!
            let middle = partition(parent.rows, feature: split.feature, bin: split.bin)
            precondition(middle - parent.rows.lowerBound == split.leftCount)
            leafCount += 1

            let leftRows = parent.rows.lowerBound..<middle
            let rightRows = middle..<parent.rows.upperBound
            let leftGradient = split.leftGradient, leftHessian = split.leftHessian
            let rightGradient = parent.gradient - leftGradient, rightHessian = parent.hessian - leftHessian
            let leftID = tree.addNode(value: leafValue(leftGradient, leftHessian))
            let rightID = tree.addNode(value: leafValue(rightGradient, rightHessian))
            tree.feature[parent.id] = split.feature
            tree.threshold[parent.id] = thresholds[split.feature][split.bin]
            tree.left[parent.id] = leftID
            tree.right[parent.id] = rightID

            let depth = parent.depth + 1
            let depthAllows = parameters.maxDepth.map { depth < $0 } ?? true
            func mayEvaluate(_ rows: Range<Int>) -> Bool {
                depthAllows && rows.count >= 2 * parameters.minSamplesLeaf
            }
            var left = Node(id: leftID, rows: leftRows, gradient: leftGradient, hessian: leftHessian,
                            depth: depth, histogram: [], split: nil)
            var right = Node(id: rightID, rows: rightRows, gradient: rightGradient, hessian: rightHessian,
                             depth: depth, histogram: [], split: nil)
            if mayEvaluate(leftRows) || mayEvaluate(rightRows) {
                // Build the smaller child's histogram by scanning; the larger one is parent − smaller.
                let leftIsSmaller = leftRows.count <= rightRows.count
                let small = histogram(rows: leftIsSmaller ? leftRows : rightRows, gradients: gradients, hessians: hessians)
                var large = parent.histogram
                for index in 0..<histogramSize { large[index] -= small[index] }
                left.histogram = leftIsSmaller ? small : large
                right.histogram = leftIsSmaller ? large : small
                if mayEvaluate(leftRows) { left.split = bestSplit(left) }
                if mayEvaluate(rightRows) { right.split = bestSplit(right) }
            }
            for child in [left, right] {
                if child.split != nil {
                    open.append(child)
                } else {
                    leaves.append(Leaf(rows: child.rows, value: tree.value[child.id]))
                }
            }
        }
        for node in open { leaves.append(Leaf(rows: node.rows, value: tree.value[node.id])) }
        return (tree, leaves)
    }

    private mutating func histogram(rows: Range<Int>, gradients: [Double], hessians: [Double]) -> [Double] {
        var result = [Double](repeating: 0, count: histogramSize)
        let count = rows.count
        order.withUnsafeBufferPointer { order in
            gradients.withUnsafeBufferPointer { g in
                hessians.withUnsafeBufferPointer { h in
                    orderedGradients.withUnsafeMutableBufferPointer { og in
                        orderedHessians.withUnsafeMutableBufferPointer { oh in
                            for position in 0..<count {
                                let row = Int(order[rows.lowerBound + position])
                                og[position] = g[row]
                                oh[position] = h[row]
                            }
                            bins.withUnsafeBufferPointer { bins in
                                result.withUnsafeMutableBufferPointer { histogram in
                                    // Consecutive rows often hit the same bin (two-bin one-hot columns
                                    // nearly always), so one accumulator would wait on its previous
                                    // store; four lanes, summed in a fixed order, keep the adds independent.
                                    let lanes = 4
                                    let maxBins = binCounts.max() ?? 1
                                    let scratch = UnsafeMutablePointer<Double>.allocate(capacity: lanes * maxBins * 3)
                                    defer { scratch.deallocate() }
                                    let rowIndices = order.baseAddress! + rows.lowerBound
                                    for feature in 0..<binCounts.count {
                                        let binsOfFeature = binCounts[feature]
                                        let laneSize = binsOfFeature * 3
                                        scratch.update(repeating: 0, count: lanes * laneSize)
                                        let column = bins.baseAddress! + feature * rowCount
                                        var position = 0
                                        while position + lanes <= count {
                                            for lane in 0..<lanes {
                                                let slot = lane * laneSize + Int(column[Int(rowIndices[position + lane])]) * 3
                                                scratch[slot] += og[position + lane]
                                                scratch[slot + 1] += oh[position + lane]
                                                scratch[slot + 2] += 1
                                            }
                                            position += lanes
                                        }
                                        while position < count {
                                            let slot = Int(column[Int(rowIndices[position])]) * 3
                                            scratch[slot] += og[position]
                                            scratch[slot + 1] += oh[position]
                                            scratch[slot + 2] += 1
                                            position += 1
                                        }
                                        let target = binOffset[feature] * 3
                                        for index in 0..<laneSize {
                                            histogram[target + index] = scratch[index] + scratch[laneSize + index]
                                                + scratch[2 * laneSize + index] + scratch[3 * laneSize + index]
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return result
    }

    /// The split with the largest positive loss reduction G_L²/(H_L+λ) + G_R²/(H_R+λ) − G²/(H+λ)
    /// that leaves at least `minSamplesLeaf` rows and some curvature on each side.
    private func bestSplit(_ node: Node) -> Split? {
        let lambda = parameters.l2Regularization
        let minimumLeaf = Double(parameters.minSamplesLeaf)
        let minimumHessian = 1e-3
        let total = Double(node.rows.count)
        let parentScore = node.gradient * node.gradient / (node.hessian + lambda)
        var best = Split()
        node.histogram.withUnsafeBufferPointer { histogram in
            for feature in 0..<binCounts.count {
                let offset = binOffset[feature]
                var leftGradient = 0.0, leftHessian = 0.0, leftCount = 0.0
                for bin in 0..<(binCounts[feature] - 1) {
                    let slot = (offset + bin) * 3
                    leftGradient += histogram[slot]
                    leftHessian += histogram[slot + 1]
                    leftCount += histogram[slot + 2]
                    let rightCount = total - leftCount
                    if leftCount < minimumLeaf { continue }
                    if rightCount < minimumLeaf { break }
                    let rightHessian = node.hessian - leftHessian
                    if leftHessian < minimumHessian || rightHessian < minimumHessian { continue }
                    let rightGradient = node.gradient - leftGradient
                    let gain = leftGradient * leftGradient / (leftHessian + lambda)
                        + rightGradient * rightGradient / (rightHessian + lambda) - parentScore
                    if gain > best.gain {
                        best = Split(gain: gain, feature: feature, bin: bin, leftGradient: leftGradient,
                                     leftHessian: leftHessian, leftCount: Int(leftCount))
                    }
                }
            }
        }
        return best.feature >= 0 ? best : nil
    }

    /// Stable partition of `rows` of `order`: rows whose bin ≤ `bin` first. Returns the boundary.
    private mutating func partition(_ rows: Range<Int>, feature: Int, bin: Int) -> Int {
        let base = feature * rowCount
        var write = rows.lowerBound
        var spill = 0
        for position in rows {
            let row = order[position]
            if Int(bins[base + Int(row)]) <= bin {
                order[write] = row
                write += 1
            } else {
                scratch[spill] = row
                spill += 1
            }
        }
        for index in 0..<spill { order[write + index] = scratch[index] }
        return write
    }
}
