import Foundation
import Testing

/// The `careflow` executable itself, as an operator runs it (built by `swift build`/`swift test`).
@Suite("Command line: model train, list, show, activate", .tags(.slow), .outsideFastLayer)
struct CommandLineTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static var executable: String { root.appendingPathComponent(".build/debug/careflow").path }

    struct Run {
        let status: Int32
        let output: String
    }

    static func careflow(_ arguments: [String], data: String) throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["CAREFLOW_DATA_DIR"] = data
        env["CAREFLOW_TENANTS_DIR"] = root.appendingPathComponent("tenants").path
        env["CAREFLOW_MODELS_DIR"] = root.appendingPathComponent("Models").path
        env["CAREFLOW_DATASETS_DIR"] = root.appendingPathComponent("Resources/datasets").path
        env["LOG_LEVEL"] = "error"
        env["DATABASE_URL"] = nil
        env["CAREFLOW_MASTER_KEYS"] = nil
        process.environment = env
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self))
    }

    @Test("train saves a new version without serving it; activate serves it; a missing version is refused")
    func trainAndActivate() throws {
        guard FileManager.default.isExecutableFile(atPath: Self.executable) else {
            Issue.record("\(Self.executable) is missing: run `swift build` before `swift test`")
            return
        }
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("careflow-cli-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: data) }

        let train = try Self.careflow(["model", "train", "heart-disease", "--seed", "7"], data: data)
        #expect(train.status == 0, "\(train.output)")
        #expect(train.output.contains("fold 5/5") && train.output.contains("saved heart-disease@2"))
        let list = try Self.careflow(["model", "list"], data: data)
        #expect(list.output.contains("* heart-disease@1") && list.output.contains("  heart-disease@2"), "\(list.output)")

        let show = try Self.careflow(["model", "show", "heart-disease@2"], data: data)
        #expect(show.status == 0 && show.output.contains("seed 7") && show.output.contains("5-fold cross-validation"), "\(show.output)")
        let activate = try Self.careflow(["model", "activate", "heart-disease@2"], data: data)
        #expect(activate.status == 0, "\(activate.output)")
        #expect(try Self.careflow(["model", "list"], data: data).output.contains("* heart-disease@2"))

        let missing = try Self.careflow(["model", "activate", "heart-disease@9"], data: data)
        #expect(missing.status != 0)
        #expect(try Self.careflow(["model", "list"], data: data).output.contains("* heart-disease@2"), "the active version stays")
    }
}
