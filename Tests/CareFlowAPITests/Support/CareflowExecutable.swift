import Foundation
import ProcessSpawn

/// The `careflow` executable as an operator runs it (built by `swift build` / `swift test`), on
/// a given data folder, tenants, models and datasets; never a DATABASE_URL or master keys from
/// the environment of the test run.
enum CareflowExecutable {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static var path: String { root.appendingPathComponent(".build/debug/careflow").path }

    struct Run {
        let status: Int32
        let output: String
    }

    static func run(_ arguments: [String], data: String, tenants: String? = nil, models: String? = nil,
                    datasets: String? = nil, environment extra: [String: String] = [:]) throws -> Run {
        let process = ChildProcess()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["CAREFLOW_DATA_DIR"] = data
        env["CAREFLOW_TENANTS_DIR"] = tenants ?? root.appendingPathComponent("tenants").path
        env["CAREFLOW_MODELS_DIR"] = models ?? root.appendingPathComponent("Models").path
        env["CAREFLOW_DATASETS_DIR"] = datasets ?? root.appendingPathComponent("Resources/datasets").path
        env["LOG_LEVEL"] = "error"
        // bcrypt's minimum, as in `serveEnvironment`: a command on a fresh data folder first
        // creates the demo accounts (the operator and seven per demo tenant), each hash most of a
        // second of CPU at the default cost 12 in a debug build.
        env["CAREFLOW_BCRYPT_COST"] = "4"
        env["DATABASE_URL"] = nil
        env["CAREFLOW_MASTER_KEYS"] = nil
        // What a test sets on purpose (a scratch DATABASE_URL, a backup key file).
        env.merge(extra) { _, set in set }
        process.environment = env
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let bytes = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, output: String(decoding: bytes, as: UTF8.self))
    }
}
