import Foundation
import Testing
import ProcessSpawn

/// The `careflow` executable itself, as an operator runs it (built by `swift build`/`swift test`).
@Suite("Command line: model train, list, show, activate", .tags(.slow), .outsideFastLayer)
struct CommandLineTests {
    static var executable: String { CareflowExecutable.path }

    static func careflow(_ arguments: [String], data: String) async throws -> CareflowExecutable.Run {
        try await offThePool { try CareflowExecutable.run(arguments, data: data) }
    }

    @Test("train saves a new version without serving it; activate serves it; a missing version is refused")
    func trainAndActivate() async throws {
        guard FileManager.default.isExecutableFile(atPath: Self.executable) else {
            Issue.record("\(Self.executable) is missing: run `swift build` before `swift test`")
            return
        }
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("careflow-cli-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: data) }

        let train = try await Self.careflow(["model", "train", "heart-disease", "--seed", "7"], data: data)
        #expect(train.status == 0, "\(train.output)")
        #expect(train.output.contains("fold 5/5") && train.output.contains("saved heart-disease@2"))
        let list = try await Self.careflow(["model", "list"], data: data)
        #expect(list.output.contains("* heart-disease@1") && list.output.contains("  heart-disease@2"), "\(list.output)")

        let show = try await Self.careflow(["model", "show", "heart-disease@2"], data: data)
        #expect(show.status == 0 && show.output.contains("seed 7") && show.output.contains("5-fold cross-validation"), "\(show.output)")
        let activate = try await Self.careflow(["model", "activate", "heart-disease@2"], data: data)
        #expect(activate.status == 0, "\(activate.output)")
        #expect(try await Self.careflow(["model", "list"], data: data).output.contains("* heart-disease@2"))

        let missing = try await Self.careflow(["model", "activate", "heart-disease@9"], data: data)
        #expect(missing.status != 0)
        #expect(try await Self.careflow(["model", "list"], data: data).output.contains("* heart-disease@2"), "the active version stays")
    }
}
