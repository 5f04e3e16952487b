import CareFlowModels
import Foundation
import ProcessSpawn
import Synchronization

/// Paths inside this package, found from this file so tests run from any working directory.
enum PackagePaths {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let datasets = root.appendingPathComponent("Resources/datasets")
    static let models = root.appendingPathComponent("Models")
    static let parityScript = root.appendingPathComponent("Tests/CareFlowModelsTests/Interop/parity.py")
}

/// Each model's features, loaded once per test run (the readmission data takes a second to inflate).
let preparedData: [String: FeatureColumns] = {
    let trainer = Trainer(datasets: DatasetStore(root: PackagePaths.datasets))
    var result: [String: FeatureColumns] = [:]
    for definition in ModelCatalog.all {
        do {
            result[definition.name] = try trainer.prepare(definition)
        } catch {
            fatalError("cannot load \(definition.name): \(error)")
        }
    }
    return result
}()

func data(_ name: String) -> FeatureColumns { preparedData[name]! }

/// Each catalogue model retrained as it was shipped (seed 42, the shipped file's `trained_at`),
/// once per test process however many tests ask: `ShippedModelTests` compares it with the
/// shipped file byte for byte, and `ParityTests` takes its cross-validated report for the
/// model's default learner, which `Trainer` computes on the very folds the parity test builds
/// (`Trainer.folds(for:count: 5, seed: 42)`) with the same learner settings and seed.
enum ShippedRetraining {
    static func model(_ name: String) throws -> ModelFile {
        try entries[name]!.value()
    }

    static func shippedFile(_ name: String) -> URL {
        PackagePaths.models.appendingPathComponent("\(name)@1.json")
    }

    private static let entries: [String: Once<ModelFile>] = Dictionary(uniqueKeysWithValues: ModelCatalog.all.map { definition in
        (definition.name, Once {
            let shipped = try ModelFile.load(from: shippedFile(definition.name))
            let trainedAt = try Date(shipped.trainedAt, strategy: .iso8601)
            return Trainer.train(definition, data: data(definition.name),
                                 options: TrainingOptions(seed: TrainingOptions.shippedSeed, trainedAt: trainedAt))
        })
    })
}

/// A value computed by the first caller; callers meanwhile wait for it, later ones get it (or
/// its error) at once.
final class Once<Value: Sendable>: Sendable {
    private let make: @Sendable () throws -> Value
    private let result = Mutex<Result<Value, any Error>?>(nil)

    init(_ make: @escaping @Sendable () throws -> Value) { self.make = make }

    func value() throws -> Value {
        try result.withLock { result in
            if result == nil { result = Result { try make() } }
            return try result!.get()
        }
    }
}

func temporaryDirectory(_ label: String) throws -> URL {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("careflow-models-tests-\(label)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Runs a program and returns its exit status and standard output.
func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws -> (status: Int32, output: Data) {
    let process = ChildProcess()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [executable] + arguments
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    try process.run()
    let output = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, output)
}
