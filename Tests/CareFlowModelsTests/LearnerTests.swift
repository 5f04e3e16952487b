import CareFlowModels
import Foundation
import Testing

@Suite("Learners")
struct LearnerTests {
    /// Two standardised-looking inputs and an outcome that depends on their interaction.
    private func interactionData(rows: Int, seed: UInt64) -> (Matrix, [Double]) {
        var generator = SplitMix64(seed: seed)
        var values: [Double] = []
        var labels: [Double] = []
        for _ in 0..<rows {
            let a = Double(generator.below(2001)) / 1000 - 1
            let b = Double(generator.below(2001)) / 1000 - 1
            values += [a, b]
            labels.append((a * b > 0) != (generator.below(10) == 0) ? 1 : 0)  // XOR with 10 % label noise
        }
        return (Matrix(rows: rows, columns: 2, values: values), labels)
    }

    @Test("logistic regression reaches the optimum of ½‖w‖² + C·Σ log-loss (gradient ≈ 0)")
    func logisticRegressionOptimality() {
        let data = data("diabetes")
        let rows = Array(0..<data.rowCount)
        let x = Preprocessor.fit(data, rows: rows).transform(data, rows: rows)
        let model = LogisticRegression.fit(x, labels: data.labels)
        var gradient = model.coefficients
        var interceptGradient = 0.0
        let logits = model.logits(x)
        for row in 0..<x.rows {
            let residual = 1 / (1 + exp(-logits[row])) - data.labels[row]
            interceptGradient += residual
            for column in 0..<x.columns { gradient[column] += residual * x[row, column] }
        }
        #expect(gradient.map(abs).max()! < 1e-6)
        #expect(abs(interceptGradient) < 1e-6)
        // Glucose is the strongest risk factor in Pima.
        let glucose = model.coefficients[1]
        #expect(glucose > 0.9 && glucose == model.coefficients.max())
    }

    @Test("stronger regularisation shrinks the coefficients")
    func regularisationShrinks() {
        let (x, y) = interactionData(rows: 2000, seed: 1)
        var strong = LogisticRegression.Parameters()
        strong.inverseRegularization = 0.001
        let loose = LogisticRegression.fit(x, labels: y)
        let tight = LogisticRegression.fit(x, labels: y, parameters: strong)
        #expect(tight.coefficients.map(abs).reduce(0, +) < loose.coefficients.map(abs).reduce(0, +))
    }

    @Test("boosted trees learn an interaction that a linear model cannot")
    func boostingLearnsInteraction() {
        let (x, y) = interactionData(rows: 4000, seed: 2)
        let (testX, testY) = interactionData(rows: 2000, seed: 3)
        let trees = GradientBoostedTrees.fit(x, labels: y, seed: 42)
        let linear = LogisticRegression.fit(x, labels: y)
        let treeAUC = ClassificationMetrics.rocAUC(scores: trees.logits(testX), labels: testY)
        let linearAUC = ClassificationMetrics.rocAUC(scores: linear.logits(testX), labels: testY)
        #expect(treeAUC > 0.85)
        #expect(linearAUC < 0.6)
        #expect(trees.trees.count == 100)  // ≤ 10,000 rows: no early stopping, like scikit-learn
    }

    @Test("trees respect leaf and size limits")
    func treeLimits() {
        let (x, y) = interactionData(rows: 3000, seed: 4)
        var parameters = GradientBoostedTrees.Parameters()
        parameters.maxLeafNodes = 8
        parameters.minSamplesLeaf = 50
        parameters.maxDepth = 3
        parameters.maxIterations = 5
        let model = GradientBoostedTrees.fit(x, labels: y, parameters: parameters, seed: 1)
        for tree in model.trees {
            let leaves = tree.left.filter { $0 < 0 }.count
            #expect(leaves <= 8)
            func depth(_ node: Int) -> Int { tree.left[node] < 0 ? 0 : 1 + max(depth(tree.left[node]), depth(tree.right[node])) }
            #expect(depth(0) <= 3)
        }
    }

    @Test("early stopping ends training when the validation loss stops improving, deterministically")
    func earlyStopping() {
        let (x, y) = interactionData(rows: 12_000, seed: 5)
        var parameters = GradientBoostedTrees.Parameters()
        parameters.maxIterations = 300
        let first = GradientBoostedTrees.fit(x, labels: y, parameters: parameters, seed: 9)
        #expect(first.trees.count < 300)
        #expect(first == GradientBoostedTrees.fit(x, labels: y, parameters: parameters, seed: 9))
    }
}
