import Foundation
import ProcessSpawn

/// A Python script the suite drives (the browser walk, the contract fuzzing): output and errors
/// collected together on a thread of their own, the child killed at `limit`, and the whole wait
/// kept off the cooperative pool (`offThePool`).
enum PythonScript {
    static func run(_ arguments: [String], limit: TimeInterval) async throws -> (status: Int32, output: String) {
        try await offThePool {
            let process = ChildProcess()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3"] + arguments
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = pipe
            process.standardInput = FileHandle.nullDevice
            try process.run()
            let collected = Collected()
            let done = DispatchSemaphore(value: 0)
            Thread.detachNewThread {
                collected.data = pipe.fileHandleForReading.readDataToEndOfFile()
                done.signal()
            }
            if done.wait(timeout: .now() + limit) == .timedOut {
                process.terminate()
                done.wait()
            }
            process.waitUntilExit()
            return (process.terminationStatus, String(decoding: collected.data, as: UTF8.self))
        }
    }

    private final class Collected: @unchecked Sendable {
        var data = Data()
    }
}
