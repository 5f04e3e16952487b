// Benchmark: training time per model (Swift vs scikit-learn, same folds, same run) and in-process
// prediction latency. Build with `swift build -c release` and run
// `.build/release/careflow-models-bench [--datasets DIR] [--models DIR] [--no-sklearn] [--learner lr|gbt]
// [--verify-shipped] [MODEL...]`, or `benchmarks/models.sh` which builds and runs it.
import CareFlowModels
import Foundation
import ProcessSpawn

let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
var datasetsRoot = packageRoot.appendingPathComponent("Resources/datasets")
var modelsRoot = packageRoot.appendingPathComponent("Models")
var runSklearn = true
var verifyShipped = false
var selected: [String] = []
var learners = ModelDefinition.Learner.allCases
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let argument = arguments.next() {
    switch argument {
    case "--datasets": datasetsRoot = URL(fileURLWithPath: arguments.next()!)
    case "--models": modelsRoot = URL(fileURLWithPath: arguments.next()!)
    case "--no-sklearn": runSklearn = false
    case "--verify-shipped": verifyShipped = true
    case "--learner": learners = [ModelDefinition.Learner(rawValue: arguments.next()!)!]
    default: selected.append(argument)
    }
}
let definitions = ModelCatalog.all.filter { selected.isEmpty || selected.contains($0.name) }
let trainer = Trainer(datasets: DatasetStore(root: datasetsRoot))
let clock = ContinuousClock()

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

func format(_ value: Double, _ digits: Int = 3) -> String { String(format: "%.\(digits)f", value) }

print("== training (seed 42): swift_cv = 5-fold CV (folds on up to 2 threads); swift_train = CV + Platt + final fit;")
print("   scikit-learn: 5-fold CV on the same folds, same preprocessing, OMP_NUM_THREADS=1 ==")
print("model              learner  swift_cv_s  swift_train_s  swift_auc  swift_brier  sklearn_cv_s  sklearn_auc  sklearn_brier")
let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("careflow-bench-\(getpid())")
for definition in definitions {
    let data = try trainer.prepare(definition)
    let folds = Trainer.folds(for: data, count: 5, seed: 42)
    var reference: [String: [String: Any]] = [:]
    if runSklearn {
        let directory = scratch.appendingPathComponent(definition.name)
        try ReferenceExport.write(data, folds: folds, name: definition.name, to: directory)
        let process = ChildProcess()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        // One thread each side of the comparison would be fairest, but Swift cross-validates folds in
        // parallel; scikit-learn gets one OpenMP thread because, on a loaded 2-core machine, its
        // spinning thread pool made HistGradientBoosting 20x slower than single-threaded.
        process.environment = ProcessInfo.processInfo.environment.merging(["OMP_NUM_THREADS": "1"]) { $1 }
        process.arguments = ["python3", packageRoot.appendingPathComponent("Tests/CareFlowModelsTests/Interop/parity.py").path, directory.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        if process.terminationStatus == 0,
           let json = try JSONSerialization.jsonObject(with: output) as? [String: [String: [String: Any]]] {
            reference = json[definition.name] ?? [:]
        }
    }
    for learner in learners {
        let cvElapsed = clock.measure {
            _ = CrossValidation.run(data, folds: folds, learner: .defaults(for: learner), seed: 42)
        }
        var model: ModelFile?
        let elapsed = clock.measure {
            model = Trainer.train(definition, data: data, options: TrainingOptions(learner: .defaults(for: learner), trainedAt: Date()))
        }
        let metrics = model!.metrics
        let sk = reference[learner.rawValue]
        let skSeconds = (sk?["seconds"] as? Double).map { format($0, 2) } ?? "-"
        let skAUC = (sk?["rocAUC"] as? Double).map { format($0) } ?? "-"
        let skBrier = (sk?["brier"] as? Double).map { format($0, 4) } ?? "-"
        print(definition.name.padding(toLength: 19, withPad: " ", startingAt: 0), learner.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0),
              format(seconds(cvElapsed), 2).padding(toLength: 11, withPad: " ", startingAt: 0),
              format(seconds(elapsed), 2).padding(toLength: 14, withPad: " ", startingAt: 0),
              format(metrics.rocAUC).padding(toLength: 10, withPad: " ", startingAt: 0),
              format(metrics.brier, 4).padding(toLength: 12, withPad: " ", startingAt: 0),
              skSeconds.padding(toLength: 13, withPad: " ", startingAt: 0), skAUC.padding(toLength: 12, withPad: " ", startingAt: 0), skBrier)
    }
}
try? FileManager.default.removeItem(at: scratch)

print("\n== prediction latency, in process, shipped model files (Predictor.predict, one call per sample) ==")
print("model              learner  p50_us  p99_us")
for definition in definitions {
    let url = modelsRoot.appendingPathComponent("\(definition.name)@1.json")
    guard let model = try? ModelFile.load(from: url) else {
        print(definition.name, "no shipped model at", url.path)
        continue
    }
    if verifyShipped {
        // A release build must reproduce the shipped file (made by `swift test`, a debug build) too.
        let retrained = Trainer.train(definition, data: try trainer.prepare(definition),
                                      options: TrainingOptions(trainedAt: try Date(model.trainedAt, strategy: .iso8601)))
        print(definition.name, "release build reproduces shipped file:", try retrained.encoded() == Data(contentsOf: url) ? "yes" : "NO")
    }
    let predictor = try Predictor(model: model)
    let data = try trainer.prepare(definition)
    let requests: [[String: FeatureValue]] = (0..<min(data.rowCount, 2000)).map { row in
        var input: [String: FeatureValue] = [:]
        for (feature, column) in zip(data.features, data.columns) {
            switch column {
            case .numeric(let values): input[feature.name] = values[row].isNaN ? .missing : .number(values[row])
            case .categorical(let values): input[feature.name] = .category(values[row])
            }
        }
        return input
    }
    var samples: [Double] = []
    var sink = 0.0
    for iteration in 0..<20_000 {
        let request = requests[iteration % requests.count]
        let start = clock.now
        sink += try predictor.predict(request).probability
        samples.append(seconds(clock.now - start) * 1e6)
    }
    samples.sort()
    print(definition.name.padding(toLength: 19, withPad: " ", startingAt: 0), model.learner.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0),
          format(samples[samples.count / 2], 2).padding(toLength: 7, withPad: " ", startingAt: 0), format(samples[samples.count * 99 / 100], 2),
          sink > 0 ? "" : " ")
}
