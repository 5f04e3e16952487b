/// One boosted tree in flat arrays. Node 0 is the root; a node with `left[node] < 0` is a leaf.
/// Every node carries the (shrunk) value it would predict as a leaf, so a prediction can be split
/// into per-feature contributions along its path (Saabas' method).
public struct RegressionTree: Sendable, Codable, Equatable {
    public var feature: [Int] = []
    public var threshold: [Double] = []
    public var left: [Int] = []
    public var right: [Int] = []
    public var value: [Double] = []

    mutating func addNode(value nodeValue: Double) -> Int {
        feature.append(-1)
        threshold.append(0)
        left.append(-1)
        right.append(-1)
        value.append(nodeValue)
        return value.count - 1
    }

    @inline(__always)
    func leafValue(_ row: UnsafeBufferPointer<Double>) -> Double {
        var node = 0
        while left[node] >= 0 {
            node = row[feature[node]] <= threshold[node] ? left[node] : right[node]
        }
        return value[node]
    }

    /// Adds each split's change in value to its feature's slot; returns the leaf value.
    func accumulateContributions(_ row: UnsafeBufferPointer<Double>, into contributions: inout [Double]) -> Double {
        var node = 0
        while left[node] >= 0 {
            let next = row[feature[node]] <= threshold[node] ? left[node] : right[node]
            contributions[feature[node]] += value[next] - value[node]
            node = next
        }
        return value[node]
    }
}
