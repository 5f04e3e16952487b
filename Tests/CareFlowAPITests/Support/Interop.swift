import Foundation
import ProcessSpawn
import Synchronization
import Testing

/// Runs independent implementations (Python packages, command-line tools) from tests.
/// When `CAREFLOW_REQUIRE_INTEROP=1` (as in `.ci/run`) a missing tool fails the test; on a
/// developer machine without it the check is skipped with a note.
enum Interop {
    static var required: Bool { ProcessInfo.processInfo.environment["CAREFLOW_REQUIRE_INTEROP"] == "1" }

    /// Output of `python3 -c script args…`, or nil when Python or the module is missing and
    /// interop is not required.
    static func python(script: String, arguments: [String], requiredModule: String) async throws -> String? {
        if try await !hasModule(requiredModule) {
            if required { Issue.record("python3 module \(requiredModule) is missing; interop is required") }
            return nil
        }
        let result = try await run("/usr/bin/env", ["python3", "-c", script] + arguments)
        if result.status != 0 { Issue.record("python interop failed: \(result.stderr)") }
        return result.stdout
    }

    /// Whether `python3` imports `module`, asked once per module and test process (each probe
    /// is a Python start-up, and the webhook tests ask before every signature).
    static func hasModule(_ module: String) async throws -> Bool {
        if let known = probed.withLock({ $0[module] }) { return known }
        let found = try await run("/usr/bin/env", ["python3", "-c", "import \(module)"]).status == 0
        probed.withLock { $0[module] = found }
        return found
    }

    private static let probed = Mutex<[String: Bool]>([:])

    struct Output {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// The child is waited for off the cooperative pool (`offThePool`): a Python start-up blocks
    /// for most of a second, and the pool has one thread per core for every test in the process.
    static func run(_ executable: String, _ arguments: [String]) async throws -> Output {
        try await offThePool { try runBlocking(executable, arguments) }
    }

    private static func runBlocking(_ executable: String, _ arguments: [String]) throws -> Output {
        let process = ChildProcess()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                      stderr: String(decoding: stderr, as: UTF8.self))
    }
}
