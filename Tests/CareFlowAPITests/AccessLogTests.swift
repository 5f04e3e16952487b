@testable import CareFlowAPI
import Foundation
import Logging
import Testing
import VaporTesting

/// The access log is written off the request path: a request only queues its line; one writer
/// thread formats and writes; nothing queued is lost at shutdown, and a destination that stops
/// taking lines costs lines (counted, reported), never requests.
@Suite("Access log off the request path", .tags(.slow), .outsideFastLayer)
struct AccessLogTests {
    /// The JSON objects of a log, one per line.
    static func lines(_ bytes: [UInt8]) -> [[String: String]] {
        bytes.split(separator: UInt8(ascii: "\n")).compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0))) as? [String: String]
        }
    }

    @Test("the last request's access line is in the log once the application has shut down", arguments: TestBackend.enabled)
    func flushedAtShutdown(backend: TestBackend) async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("careflow-access-\(UUID().uuidString).log").path
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        try #require(fd >= 0)
        defer {
            close(fd)
            unlink(path)
        }
        let sink = LogSink(fileDescriptor: fd)
        defer { sink.close() }
        let lastID = "last-\(UUID().uuidString.lowercased())"
        try await withCareFlow(backend) { app in
            app.logger = Logger(label: "careflow.test") { JSONLogHandler(label: $0, level: .info, sink: sink) }
            for _ in 0..<50 { #expect(try await app.send(.GET, "/health").status == .ok) }
            let t = try await Fixtures.tenant(app, slug: "access-log")
            #expect(try await app.send(.GET, "/api/v1/me", token: t[.doctor].token).status == .ok)
            #expect(try await app.send(.GET, "/api/v1/patients/\(UUID())", token: t[.doctor].token,
                                       headers: [("X-Request-ID", lastID)]).status == .notFound)
        }
        // No flush by the test: shutting the application down wrote everything out.
        let written = Self.lines(Array(try Data(contentsOf: URL(fileURLWithPath: path))))
        let access = written.filter { $0["msg"] == "request" }
        #expect(access.count == 52)
        let last = try #require(access.last)
        #expect(last["request-id"] == lastID)
        #expect(last["method"] == "GET")
        // The route pattern, never the concrete path (an id may be PHI).
        #expect(last["route"] == "/api/v1/patients/:patientID")
        #expect(last["status"] == "404")
        #expect(last["level"] == "info")
        let duration = try #require(last["duration_ms"])
        #expect(duration.wholeMatch(of: /[0-9]+\.[0-9]{2}/) != nil, "duration_ms \(duration)")
        #expect(access.first?["route"] == "/health")
        #expect(written.allSatisfy { $0["ts"] != nil })
    }

    // No `.timeLimit`: it would count the wait for a test-app slot. A request held up by the full
    // pipe fails the test through the watchdog below instead, which starts once the app runs.
    @Test("a log destination that takes no lines holds up no request; the lines lost are counted and reported",
          arguments: [TestBackend.sqlite])
    func fullDestinationDropsNotBlocks(backend: TestBackend) async throws {
        var ends: [Int32] = [0, 0]
        try #require(pipe(&ends) == 0)
        let (readEnd, writeEnd) = (ends[0], ends[1])
        // Nobody reads the pipe yet: once its 64 KiB are full the writer thread is stuck in write(2).
        let sink = LogSink(fileDescriptor: writeEnd, capacity: 100)
        let requests = 1_000
        try await withCareFlow(backend) { app in
            app.logger = Logger(label: "careflow.test") { JSONLogHandler(label: $0, level: .info, sink: sink) }
            // 1,000 in-process requests take seconds; if they are still running after 300 s,
            // a write to the full pipe holds them: say so, and drain the pipe to let them end.
            let watchdog = Task {
                try await Task.sleep(for: .seconds(300))
                Issue.record("requests are held up by the log destination that takes no lines")
                _ = PipeReader(fd: readEnd)
            }
            defer { watchdog.cancel() }
            for _ in 0..<requests {
                let response = try await app.send(.GET, "/health")
                #expect(response.status == .ok)
            }
        }
        #expect(sink.droppedTotal > 0)

        // Now read it all: every request is either a line or counted in a drop report.
        let reader = PipeReader(fd: readEnd)
        sink.close()
        close(writeEnd)
        let written = Self.lines(await reader.all())
        close(readEnd)
        let access = written.filter { $0["msg"] == "request" && $0["route"] == "/health" }.count
        let reported = written.filter { $0["msg"] == "log lines dropped" }.compactMap { $0["dropped"].flatMap(Int.init) }.reduce(0, +)
        #expect(access > 0 && reported > 0)
        #expect(reported == sink.droppedTotal)
        #expect(access + reported >= requests)
    }
}

/// Reads a pipe to its end on a thread of its own.
final class PipeReader: @unchecked Sendable {
    private var bytes: [UInt8] = []
    private let done = DispatchSemaphore(value: 0)

    init(fd: Int32) {
        Thread { [self] in
            var buffer = [UInt8](repeating: 0, count: 64 * 1024)
            while true {
                let n = read(fd, &buffer, buffer.count)
                if n <= 0 { break }
                bytes.append(contentsOf: buffer[0..<n])
            }
            done.signal()
        }.start()
    }

    func all() async -> [UInt8] {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            Thread { [self] in
                done.wait()
                continuation.resume()
            }.start()
        }
        return bytes
    }
}
