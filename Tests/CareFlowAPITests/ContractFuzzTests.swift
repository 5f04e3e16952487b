@testable import CareFlowAPI
import Foundation
import SQLKit
import Testing

/// Issue 16: fuzzing from the contract. Runs `Tests/Fuzz/fuzz.py` (schemathesis) against the
/// `careflow` executable serving this test's database, signed in as each demo role, so
/// `swift test` holds the server to its own `/openapi.json`: no 5xx, and every status, content
/// type, header and body as documented, over at least 5,000 generated requests. Without
/// schemathesis the test is skipped with a note, unless `CAREFLOW_REQUIRE_INTEROP=1` (CI).
/// schemathesis' own output per role lands in `Tests/Fuzz/output/<backend>/`.
@Suite("Schemathesis against /openapi.json", .tags(.slow, .interop), .outsideFastLayer)
struct ContractFuzzTests {
    static let script = CareflowExecutable.root.appendingPathComponent("Tests/Fuzz/fuzz.py").path
    /// The script bounds each role's run; this is the backstop should it hang.
    static let limit: TimeInterval = 1_800

    @Test("generated requests from every role get no 5xx and only documented answers", arguments: TestBackend.enabled)
    func schemathesisFindsNothing(backend: TestBackend) async throws {
        let probe = try await Interop.run("/usr/bin/env", ["python3", Self.script, "--check-dependencies"])
        if probe.status != 0 {
            if Interop.required {
                Issue.record("the contract fuzzer needs python3 schemathesis: \(probe.stderr)")
            }
            return
        }
        guard FileManager.default.isExecutableFile(atPath: CareflowExecutable.path) else {
            Issue.record("\(CareflowExecutable.path) is missing: run `swift build` before `swift test`")
            return
        }
        try await withCareFlow(backend, queued: false) { app in
            let output = CareflowExecutable.root.appendingPathComponent("Tests/Fuzz/output/\(backend)").path
            var arguments = [Self.script, "--binary", CareflowExecutable.path, "--output", output]
            if case .postgres = backend {
                // The test's own schema, migrated by withCareFlow; serve does not migrate PostgreSQL.
                let sql = try #require(app.db as? any SQLDatabase)
                let schema = try #require(try await sql.raw("SELECT current_schema() AS schema").first())
                    .decode(column: "schema", as: String.self)
                arguments += ["--database-url", try #require(TestBackend.postgresURL), "--schema", schema]
            }
            let run = try await PythonScript.run(arguments, limit: Self.limit)
            #expect(run.status == 0, "contract fuzzing failed:\n\(run.output.suffix(6_000))")
            #expect(run.output.contains("\npassed"), "\(run.output.suffix(2_000))")
            let requests = run.output.firstMatch(of: /Fuzz summary: (\d+) requests, (\d+) server errors/)
            #expect((requests.flatMap { Int($0.1) } ?? 0) >= 5_000, "fewer than 5,000 generated requests")
            #expect(requests.flatMap { Int($0.2) } == 0, "server errors during fuzzing")
            print(run.output.components(separatedBy: "\nFuzz summary").last.map { "Fuzz summary (\(backend))" + $0 } ?? "")
        }
    }
}
