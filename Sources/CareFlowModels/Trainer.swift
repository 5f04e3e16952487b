import Foundation

/// Trains a catalogued model: cross-validates it for the report and the calibration, then fits
/// the shipped learner on all rows.
public struct Trainer: Sendable {
    public let datasets: DatasetStore

    public init(datasets: DatasetStore) { self.datasets = datasets }

    /// The model's features and labels, from its verified dataset.
    public func prepare(_ definition: ModelDefinition) throws(DatasetError) -> FeatureColumns {
        let table = try datasets.load(definition.dataset)
        return try FeatureColumns.extract(definition, from: table, file: definition.dataset.file)
    }

    /// Grouped by patient where the model has a group column, stratified otherwise.
    public static func folds(for data: FeatureColumns, count: Int, seed: UInt64) -> FoldAssignment {
        if let groups = data.groups {
            return .groupedStratified(labels: data.labels, groups: groups, folds: count, seed: seed)
        }
        return .stratified(labels: data.labels, folds: count, seed: seed)
    }

    public func train(
        _ definition: ModelDefinition, options: TrainingOptions,
        progress: (TrainingProgress) -> Void = { _ in }
    ) throws(DatasetError) -> ModelFile {
        let data = try prepare(definition)
        progress(.datasetLoaded(rows: data.rowCount, positives: data.positives))
        return Self.train(definition, data: data, options: options, progress: progress)
    }

    public static func train(
        _ definition: ModelDefinition, data: FeatureColumns, options: TrainingOptions,
        progress: (TrainingProgress) -> Void = { _ in }
    ) -> ModelFile {
        let learner = options.learner ?? .defaults(for: definition.defaultLearner)
        let folds = folds(for: data, count: options.folds, seed: options.seed)
        let validation = CrossValidation.run(data, folds: folds, learner: learner, seed: options.seed, progress: progress)
        progress(.fittingFinalModel)
        let allRows = Array(0..<data.rowCount)
        let final = FittedModel.fit(data, rows: allRows, learner: learner, seed: options.seed)
        // Calibrated on out-of-fold logits: the final model's own training logits are optimistic.
        let calibration = PlattScaling.fit(logits: validation.outOfFoldLogits, labels: data.labels)
        progress(.finished(rocAUC: validation.report.rocAUC))

        var logisticRegression: LogisticRegression?
        var gradientBoosting: GradientBoostedTrees?
        switch final.learner {
        case .logisticRegression(let model): logisticRegression = model
        case .gradientBoosting(let model): gradientBoosting = model
        }
        let parameters: ModelFile.LearnerParameters = switch learner {
        case .logisticRegression(let p): .init(logisticRegression: p, gradientBoosting: nil)
        case .gradientBoosting(let p): .init(logisticRegression: nil, gradientBoosting: p)
        }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return ModelFile(
            format: ModelFile.currentFormat, name: definition.name, title: definition.title, version: options.version,
            learner: learner.kind, seed: options.seed, trainedAt: formatter.string(from: options.trainedAt),
            dataset: .init(id: definition.dataset.id, file: definition.dataset.file, sha256: definition.dataset.sha256,
                           rows: data.rowCount, positives: data.positives),
            target: definition.target, features: definition.features, preprocessing: final.preprocessor,
            learnerParameters: parameters, logisticRegression: logisticRegression, gradientBoosting: gradientBoosting,
            calibration: calibration, metrics: validation.report)
    }
}
