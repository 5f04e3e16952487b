import CareFlowModels
import Foundation

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

func temporaryDirectory(_ label: String) throws -> URL {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("careflow-models-tests-\(label)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Runs a program and returns its exit status and standard output.
func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws -> (status: Int32, output: Data) {
    let process = Process()
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
