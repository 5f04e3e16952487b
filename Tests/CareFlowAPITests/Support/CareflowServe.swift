import Foundation
import ProcessSpawn

/// `careflow serve` run as a new user runs it, stopped with SIGINT (Ctrl-C) once its output shows
/// `marker`: with its output to a pipe (as under a service manager), or to a pseudo-terminal
/// (as in a person's terminal, through Python's `pty`).
extension CareflowExecutable {
    enum Output {
        case pipe
        case terminal
    }

    /// The environment of a first start: the repository's demo tenants, models and resources, a
    /// fresh data folder, no database URL or keys from the test run, the log format left to decide.
    static func serveEnvironment(data: String, extra: [String: String]) -> [String: String] {
        var env = ProcessInfo.processInfo.environment
        for name in ["DATABASE_URL", "CAREFLOW_DATABASE_SCHEMA", "CAREFLOW_MASTER_KEYS", "CAREFLOW_LOG_FORMAT", "NO_COLOR", "LOG_LEVEL"] {
            env[name] = nil
        }
        env["CAREFLOW_DATA_DIR"] = data
        env["CAREFLOW_TENANTS_DIR"] = root.appendingPathComponent("tenants").path
        env["CAREFLOW_MODELS_DIR"] = root.appendingPathComponent("Models").path
        env["CAREFLOW_DATASETS_DIR"] = root.appendingPathComponent("Resources/datasets").path
        env["CAREFLOW_RESOURCES_DIR"] = root.appendingPathComponent("Resources").path
        // bcrypt's minimum, as the other tests: the demo accounts are hashed before it listens.
        env["CAREFLOW_BCRYPT_COST"] = "4"
        env.merge(extra) { $1 }
        return env
    }

    /// Everything `serve` wrote until it stopped; `marker` not seen within `limit` seconds is an
    /// error (the output so far is in it).
    static func serve(until marker: String, output: Output, data: String, environment extra: [String: String] = [:],
                      limit: TimeInterval = 240) throws -> String {
        let process = ChildProcess()
        switch output {
        case .pipe:
            process.executableURL = URL(fileURLWithPath: path)
            process.arguments = ["serve", "--hostname", "127.0.0.1", "--port", "0"]
        case .terminal:
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", "-c", ptyScript, marker, String(Int(limit)), path,
                                 "serve", "--hostname", "127.0.0.1", "--port", "0"]
        }
        process.environment = serveEnvironment(data: data, extra: extra)
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        let collected = Collected()
        pipe.fileHandleForReading.readabilityHandler = { handle in collected.append(handle.availableData) }
        try process.run()
        let deadline = Date().addingTimeInterval(limit)
        var seen = false
        while process.isRunning, Date() < deadline {
            if output == .pipe, collected.text.contains(marker) {
                seen = true
                break
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
        if output == .pipe, process.isRunning { process.interrupt() }
        let stopBy = Date().addingTimeInterval(60)
        while process.isRunning, Date() < stopBy { Thread.sleep(forTimeInterval: 0.1) }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        pipe.fileHandleForReading.readabilityHandler = nil
        collected.append(pipe.fileHandleForReading.readDataToEndOfFile())
        let text = collected.text
        if !(seen || text.contains(marker)) { throw ServeError(marker: marker, output: text) }
        return text
    }

    struct ServeError: Error, CustomStringConvertible {
        let marker: String
        let output: String
        var description: String { "`\(marker)` never appeared; output:\n\(output)" }
    }

    private final class Collected: @unchecked Sendable {
        private let lock = NSLock()
        private var data = Data()
        func append(_ more: Data) { lock.withLock { data.append(more) } }
        var text: String { lock.withLock { String(decoding: data, as: UTF8.self) } }
    }

    /// Runs argv[3...] on a pseudo-terminal, copies what it writes to stdout, and sends SIGINT once
    /// argv[1] (the marker) has appeared or argv[2] seconds have passed.
    static let ptyScript = """
    import os, pty, select, signal, sys, time
    marker, limit, argv = sys.argv[1].encode(), float(sys.argv[2]), sys.argv[3:]
    pid, fd = pty.fork()
    if pid == 0:
        os.execv(argv[0], argv)
    out, start, stopped = b"", time.time(), None
    while True:
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
        if stopped is None and (marker in out or time.time() - start > limit):
            os.kill(pid, signal.SIGINT)
            stopped = time.time()
        if stopped is not None and time.time() - stopped > 60:
            os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    sys.stdout.buffer.write(out)
    """
}
