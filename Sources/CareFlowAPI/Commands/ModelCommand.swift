import CareFlowCore
import CareFlowModels
import Foundation
import Vapor

/// `careflow model train NAME [--learner lr|gbt] [--seed N]`, `model list`,
/// `model show NAME[@VERSION]`, `model activate NAME@VERSION`.
struct ModelCommand: AsyncCommandGroup {
    var commands: [String: any AnyAsyncCommand] = [
        "train": Train(), "list": List(), "show": Show(), "activate": Activate(),
    ]
    var help: String { "Predictive models: train, list, show, activate" }

    /// `NAME@VERSION` (or `NAME` when `versionRequired` is false).
    static func parse(_ text: String, versionRequired: Bool) throws -> (name: String, version: Int?) {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count <= 2, !parts[0].isEmpty else { throw CLIError("expected NAME@VERSION, got '\(text)'") }
        if parts.count == 2 {
            guard let version = Int(parts[1]), version > 0 else { throw CLIError("'\(parts[1])' is not a version number") }
            return (String(parts[0]), version)
        }
        if versionRequired { throw CLIError("give the version: \(text)@VERSION (see `careflow model list`)") }
        return (String(parts[0]), nil)
    }

    struct Train: AsyncCommand {
        struct Signature: CommandSignature {
            @Argument(name: "name", help: "Model name (see `careflow model list`)")
            var name: String
            @Option(name: "learner", help: "lr (logistic regression) or gbt (gradient-boosted trees); default: the model's")
            var learner: String?
            @Option(name: "seed", help: "Random seed (default 42, the shipped models' seed)")
            var seed: UInt64?
        }

        var help: String { "Train a new version of a model on its dataset (saved, not activated)" }

        func run(using context: CommandContext, signature: Signature) async throws {
            let app = context.application
            guard let definition = ModelCatalog.definition(named: signature.name) else {
                throw CLIError("unknown model \(signature.name) (expected one of: \(ModelCatalog.all.map(\.name).joined(separator: ", ")))")
            }
            var learner: LearnerSettings?
            if let name = signature.learner {
                guard let kind = ModelDefinition.Learner(rawValue: name) else { throw CLIError("--learner must be lr or gbt") }
                learner = .defaults(for: kind)
            }
            let directory = app.services.models.directory
            let version = try directory.nextVersion(of: definition.name)
            let options = TrainingOptions(learner: learner, seed: signature.seed ?? TrainingOptions.shippedSeed, version: version,
                                          trainedAt: Date())
            let trainer = Trainer(datasets: DatasetStore(root: URL(fileURLWithPath: app.services.configuration.datasetsDirectory)))
            let console = context.console
            let started = ContinuousClock.now
            let model = try trainer.train(definition, options: options) { progress in
                console.print(Self.describe(progress))
            }
            let url = try directory.save(model)
            try await app.services.audit.append(
                AuditRecord(tenantID: nil, actor: .system, action: .modelTrain, targetType: "model",
                            targetID: "\(model.name)@\(model.version)", details: ["learner": model.learner.rawValue]),
                origin: .none, on: app.db)
            console.print("saved \(model.name)@\(model.version) (\(model.learner.rawValue), ROC AUC \(Show.format(model.metrics.rocAUC))) "
                          + "to \(url.path) in \(started.duration(to: .now)); activate it with `careflow model activate \(model.name)@\(model.version)`")
        }

        static func describe(_ progress: TrainingProgress) -> String {
            switch progress {
            case .datasetLoaded(let rows, let positives): "dataset loaded: \(rows) rows, \(positives) positive"
            case .crossValidating(let folds, let parallel): "cross-validating: \(folds) folds, \(parallel) at a time"
            case .foldFinished(let fold, let of, let auc): "fold \(fold)/\(of): ROC AUC \(Show.format(auc))"
            case .fittingFinalModel: "fitting the final model on every row"
            case .finished(let auc): "cross-validated ROC AUC \(Show.format(auc))"
            }
        }
    }

    struct List: AsyncCommand {
        struct Signature: CommandSignature {}
        var help: String { "Every saved version, the active one marked with *" }

        func run(using context: CommandContext, signature: Signature) async throws {
            let registry = context.application.services.models
            let active = try registry.activeVersions()
            for entry in try registry.directory.entries() {
                let mark = active[entry.name] == entry.version ? "*" : " "
                let detail: String
                do {
                    let model = try registry.directory.load(name: entry.name, version: entry.version)
                    detail = "\(model.learner.rawValue)  ROC AUC \(Show.format(model.metrics.rocAUC))  trained \(model.trainedAt)"
                } catch {
                    detail = "REFUSED: \(error)"
                }
                context.console.print("\(mark) \(entry.name)@\(entry.version)  \(detail)")
            }
        }
    }

    struct Show: AsyncCommand {
        struct Signature: CommandSignature {
            @Argument(name: "model", help: "NAME or NAME@VERSION (default: the active version)")
            var model: String
        }
        var help: String { "A model version's features and cross-validated metrics" }

        static func format(_ value: Double) -> String { String(format: "%.3f", value) }

        func run(using context: CommandContext, signature: Signature) async throws {
            let registry = context.application.services.models
            let (name, requested) = try ModelCommand.parse(signature.model, versionRequired: false)
            guard let version = try requested ?? registry.activeVersions()[name] else { throw CLIError("no model \(name)") }
            let model = try registry.directory.load(name: name, version: version)
            let m = model.metrics
            let console = context.console
            console.print("\(model.name)@\(model.version): \(model.title)")
            console.print("learner \(model.learner.rawValue), seed \(model.seed), trained \(model.trainedAt)")
            console.print("dataset \(model.dataset.id) (\(model.dataset.file), sha256 \(model.dataset.sha256)): "
                          + "\(model.dataset.rows) rows, \(model.dataset.positives) positive")
            console.print("features: " + model.features.map(\.name).joined(separator: ", "))
            console.print("\(m.folds)-fold cross-validation\(m.groupedByPatient ? " grouped by patient" : ""): ROC AUC \(Self.format(m.rocAUC)), "
                          + "PR AUC \(Self.format(m.averagePrecision)), Brier \(Self.format(m.brier)), log loss \(Self.format(m.logLoss))")
            console.print("at threshold \(Self.format(m.threshold)): sensitivity \(Self.format(m.sensitivity)), "
                          + "specificity \(Self.format(m.specificity))")
            console.print("calibration (predicted → observed):")
            for bin in m.calibration {
                let predicted = bin.meanPredicted.map(Self.format) ?? "–"
                let observed = bin.observedRate.map(Self.format) ?? "–"
                console.print("  [\(Self.format(bin.lower)), \(Self.format(bin.upper))): n=\(bin.count) \(predicted) → \(observed)")
            }
        }
    }

    struct Activate: AsyncCommand {
        struct Signature: CommandSignature {
            @Argument(name: "model", help: "NAME@VERSION")
            var model: String
        }
        var help: String { "Serve this version of the model (a running server is told with SIGHUP)" }

        func run(using context: CommandContext, signature: Signature) async throws {
            let app = context.application
            let (name, version) = try ModelCommand.parse(signature.model, versionRequired: true)
            let model = try await app.services.models.activate(name: name, version: version!)
            try await app.services.audit.append(
                AuditRecord(tenantID: nil, actor: .system, action: .modelActivate, targetType: "model",
                            targetID: "\(model.name)@\(model.version)", details: [:]),
                origin: .none, on: app.db)
            context.console.print("\(model.name)@\(model.version) is active")
            if let pid = RunningServer.signalReload(dataDirectory: app.services.configuration.dataDirectory) {
                context.console.print("server \(pid) asked to reload its models")
            }
        }
    }
}
