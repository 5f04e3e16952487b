import Foundation
#if canImport(Glibc)
import Glibc
#endif
import ProcessSpawn
import Testing

/// `ChildProcess` (pg_dump / pg_restore for backups, the tests' tools): what a child inherits,
/// how its end is reported, and that it starts while the parent holds many descriptors (where
/// Foundation's `Process.run()` could crash).
@Suite("Child processes")
struct ChildProcessTests {
    private func shell(_ script: String, configure: (ChildProcess) -> Void = { _ in }) throws -> (ChildProcess, String) {
        let process = ChildProcess()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", script]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        process.standardInput = nil
        configure(process)
        try process.run()
        let bytes = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process, String(decoding: bytes, as: UTF8.self))
    }

    @Test("with 1,400 descriptors open in the parent the child starts and inherits only its standard streams")
    func manyDescriptors() throws {
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        let wanted = 1_400
        if limit.rlim_cur < rlim_t(wanted + 200) {
            limit.rlim_cur = min(limit.rlim_max, rlim_t(wanted + 200))
            setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        }
        let null = open("/dev/null", O_RDONLY)
        try #require(null >= 0)
        var extra: [Int32] = []
        defer {
            extra.forEach { close($0) }
            close(null)
        }
        for _ in 0..<wanted {
            let fd = dup(null)
            guard fd >= 0 else { break }
            extra.append(fd)
        }
        try #require(extra.count >= 1_000, "could only open \(extra.count) descriptors")
        // The child lists its own descriptors: 0, 1, 2 and the listing's directory.
        let (process, output) = try shell("ls /proc/self/fd")
        #expect(process.terminationReason == .exit && process.terminationStatus == 0)
        let inherited = output.split(whereSeparator: \.isNewline).compactMap { Int($0) }
        #expect(inherited.count <= 4, "the child inherited \(inherited)")
        #expect(Set([0, 1, 2]).isSubset(of: Set(inherited)))
    }

    @Test("exit status, a signal, environment, working folder and /dev/null for a nil stream")
    func endsAndInputs() throws {
        let (exited, _) = try shell("exit 3")
        #expect(exited.terminationReason == .exit)
        #expect(exited.terminationStatus == 3)

        let (configured, output) = try shell("pwd; echo \"$CAREFLOW_CHILD_TEST\"; cat; echo end") {
            $0.environment = ["CAREFLOW_CHILD_TEST": "seen", "PATH": "/usr/bin:/bin"]
            $0.currentDirectoryURL = URL(fileURLWithPath: "/tmp")
        }
        #expect(configured.terminationStatus == 0)
        // `cat` reads /dev/null: nothing, then end of file at once.
        #expect(output == "/tmp\nseen\nend\n")

        let sleeper = ChildProcess()
        sleeper.executableURL = URL(fileURLWithPath: "/bin/sleep")
        sleeper.arguments = ["30"]
        sleeper.standardOutput = nil
        try sleeper.run()
        #expect(sleeper.isRunning)
        kill(sleeper.processIdentifier, SIGKILL)
        sleeper.waitUntilExit()
        #expect(!sleeper.isRunning)
        #expect(sleeper.terminationReason == .uncaughtSignal)
        #expect(sleeper.terminationStatus == SIGKILL)
    }

    @Test("the termination handler runs once with the status; a missing executable throws")
    func handlerAndMissing() async throws {
        let process = ChildProcess()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "exit 7"]
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch { continuation.resume(throwing: error) }
        }
        #expect(status == 7)

        let missing = ChildProcess()
        missing.executableURL = URL(fileURLWithPath: "/nonexistent/careflow-tool")
        #expect(throws: ChildProcess.Failure.self) { try missing.run() }
    }
}
