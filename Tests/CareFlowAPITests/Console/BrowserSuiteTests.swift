@testable import CareFlowAPI
import Foundation
import SQLKit
import Testing

/// Issue 15: the console in a real browser. Runs `Tests/Browser/console_suite.py` (selenium,
/// headless Chromium through chromedriver) against the `careflow` executable serving this
/// test's database, so `swift test` includes it. Without chromium, chromedriver or selenium the
/// test is skipped with a note, unless `CAREFLOW_REQUIRE_INTEROP=1` (CI), where that fails.
/// Screenshots land in `Tests/Browser/output/<backend>/`.
@Suite("Console in headless Chromium", .tags(.slow, .interop), .outsideFastLayer)
struct BrowserSuiteTests {
    static let script = CareflowExecutable.root.appendingPathComponent("Tests/Browser/console_suite.py").path
    /// The script bounds itself at five minutes; this is the backstop should it hang.
    static let limit: TimeInterval = 420

    @Test("the group admin, an invited member and a facility admin walk the console in Chromium",
          arguments: TestBackend.enabled)
    func consoleInChromium(backend: TestBackend) async throws {
        let probe = try await Interop.run("/usr/bin/env", ["python3", Self.script, "--check-dependencies"])
        if probe.status != 0 {
            if Interop.required {
                Issue.record("the browser suite needs chromium, chromedriver and python3 selenium: \(probe.stderr)")
            }
            return
        }
        guard FileManager.default.isExecutableFile(atPath: CareflowExecutable.path) else {
            Issue.record("\(CareflowExecutable.path) is missing: run `swift build` before `swift test`")
            return
        }
        try await withCareFlow(backend, queued: false) { app in
            let output = CareflowExecutable.root.appendingPathComponent("Tests/Browser/output/\(backend)").path
            var arguments = [Self.script, "--binary", CareflowExecutable.path, "--output", output]
            if case .postgres = backend {
                // The test's own schema, migrated by withCareFlow; serve does not migrate PostgreSQL.
                let sql = try #require(app.db as? any SQLDatabase)
                let schema = try #require(try await sql.raw("SELECT current_schema() AS schema").first())
                    .decode(column: "schema", as: String.self)
                arguments += ["--database-url", try #require(TestBackend.postgresURL), "--schema", schema]
            }
            let run = try await PythonScript.run(arguments, limit: Self.limit)
            #expect(run.status == 0, "browser suite failed:\n\(run.output.suffix(4_000))")
            #expect(run.output.contains("\npassed"), "\(run.output.suffix(2_000))")
            print(run.output.components(separatedBy: "\nBrowser suite").last.map { "Browser suite (\(backend))" + $0 } ?? "")
        }
    }
}
