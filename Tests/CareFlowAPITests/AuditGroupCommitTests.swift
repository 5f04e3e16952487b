@testable import CareFlowAPI
@testable import CareFlowCore
import Fluent
import Foundation
import ProcessSpawn
import SQLKit
import Testing
import VaporTesting

/// The audit chain under group commit (issue 11): batches written by one writer per chain
/// and process, several processes on one database, and a process killed mid-batch.
@Suite("Audit group commit", .tags(.slow), .outsideFastLayer)
struct AuditGroupCommitTests {
    @Test("2,000 concurrent appends in one process: one unbroken chain, every append acknowledged once", arguments: TestBackend.enabled)
    func concurrentInProcess(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let tenantID = try await Fixtures.tenant(app, slug: "batch").id
            let before = try await AuditEvent.query(on: app.db).count()
            let events = try await withThrowingTaskGroup(of: AuditEvent.self) { group in
                for i in 0..<2_000 {
                    group.addTask {
                        try await app.services.audit.append(
                            AuditRecord(tenantID: tenantID, actor: .system, action: AuditAction("test.batch"), details: ["i": String(i)]),
                            origin: RequestOrigin(requestID: "r\(i)"), on: app.db)
                    }
                }
                return try await group.reduce(into: [AuditEvent]()) { $0.append($1) }
            }
            #expect(Set(events.map(\.seq)).count == 2_000, "each append got its own place in the chain")
            #expect(Set(events.compactMap(\.id)).count == 2_000)
            #expect(try await AuditEvent.query(on: app.db).count() == before + 2_000)
            let report = try await AuditChainVerifier().verify(on: app.db)
            #expect(report.ok, "\(report.breaks)")
            // What each caller was told is what is stored.
            let stored = try await AuditEvent.query(on: app.db).filter(\.$action == "test.batch").all()
            let byID = Dictionary(uniqueKeysWithValues: stored.map { ($0.id!, $0) })
            for event in events {
                #expect(byID[event.id!]?.seq == event.seq && byID[event.id!]?.hash == event.hash)
            }
        }
    }

    /// Appends inside a caller's transaction are written there, not by the chain's writer; they
    /// used to wait for the batch in flight while holding what it needed (on SQLite the write
    /// lock, on either a pooled connection), so a mix of both stalled until a timeout.
    static let mixed = 60

    @Test("appends inside transactions mixed with batched ones: prompt, unbroken, each where it was told", arguments: TestBackend.enabled)
    func transactionalAndBatched(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let tenantID = try await Fixtures.tenant(app, slug: "mixed").id
            let before = try await AuditEvent.query(on: app.db).count()
            let started = Date()
            let events = try await withThrowingTaskGroup(of: AuditEvent.self) { group in
                for i in 0..<Self.mixed {
                    group.addTask {
                        let record = AuditRecord(tenantID: tenantID, actor: .system, action: AuditAction("test.mixed"), details: ["i": String(i)])
                        let origin = RequestOrigin(requestID: "m\(i)")
                        guard i % 10 == 0 else { return try await app.services.audit.append(record, origin: origin, on: app.db) }
                        // A tenth write a row of their own first, as a service's transaction does.
                        return try await BusyRetry.run {
                            try await TenantScope(tenantID: tenantID, db: app.db).transaction { tx in
                                try await (tx.db as! any SQLDatabase).raw("UPDATE tenants SET slug = slug WHERE id = \(bind: tenantID)").run()
                                return try await app.services.audit.append(record, origin: origin, on: tx.db)
                            }
                        }
                    }
                }
                return try await group.reduce(into: [AuditEvent]()) { $0.append($1) }
            }
            // Stalled, appends fail with the 30-s connection timeout; healthy, this takes a second or
            // two alone, more under the whole suite on two cores.
            #expect(Date().timeIntervalSince(started) < 90, "took \(Date().timeIntervalSince(started)) s")
            #expect(Set(events.map(\.seq)).count == Self.mixed)
            #expect(try await AuditEvent.query(on: app.db).count() == before + Self.mixed)
            let report = try await AuditChainVerifier().verify(on: app.db)
            #expect(report.ok, "\(report.breaks)")
            let stored = try await AuditEvent.query(on: app.db).filter(\.$action == "test.mixed").all()
            let byID = Dictionary(uniqueKeysWithValues: stored.map { ($0.id!, $0) })
            for event in events {
                #expect(byID[event.id!]?.seq == event.seq && byID[event.id!]?.hash == event.hash)
            }
        }
    }

    @Test("two processes × 5,000 concurrent appends to one chain: no gap, no fork", arguments: TestBackend.enabled)
    func twoProcesses(backend: TestBackend) async throws {
        guard FileManager.default.isExecutableFile(atPath: CommandLineTests.executable) else {
            Issue.record("\(CommandLineTests.executable) is missing: run `swift build` before `swift test`")
            return
        }
        try await withCareFlow(backend) { app in
            let tenantID = try await Fixtures.tenant(app, slug: "procs").id
            let env = try await Self.environment(of: app, backend: backend)
            let arguments = ["bench", "audit-append", "--count", "5000", "--concurrency", "50", "--tenant-id", tenantID.uuidString]
            let first = try Self.start(arguments, env: env)
            let second = try Self.start(arguments, env: env)
            let collectors = [Collector(first), Collector(second)]
            let outputs = try await offThePool { [collectors[0].finish(first), collectors[1].finish(second)] }
            for output in outputs {
                #expect(output.status == 0, "\(output.text.suffix(2_000))")
                #expect(output.acknowledged.count == 5_000)
            }
            let acknowledged = Set(outputs.flatMap(\.acknowledged))
            #expect(acknowledged.count == 10_000, "no event was acknowledged twice")
            let stored = try await AuditEvent.query(on: app.db).filter(\.$action == "bench.audit_append").all()
            #expect(stored.count == 10_000)
            #expect(Set(stored.map { $0.id!.uuidString.lowercased() }) == acknowledged)
            let report = try await AuditChainVerifier().verify(on: app.db)
            #expect(report.ok, "\(report.breaks)")
        }
    }

    @Test("a process killed mid-batch loses no acknowledged event and leaves a chain that verifies", arguments: TestBackend.enabled)
    func killedMidBatch(backend: TestBackend) async throws {
        guard FileManager.default.isExecutableFile(atPath: CommandLineTests.executable) else {
            Issue.record("\(CommandLineTests.executable) is missing: run `swift build` before `swift test`")
            return
        }
        try await withCareFlow(backend) { app in
            let tenantID = try await Fixtures.tenant(app, slug: "crash").id
            let env = try await Self.environment(of: app, backend: backend)
            let running = try Self.start(["bench", "audit-append", "--count", "1000000", "--concurrency", "64",
                                          "--tenant-id", tenantID.uuidString], env: env)
            // Read until a good number of appends were acknowledged, then kill without warning:
            // batches are in flight at that moment.
            let reader = running.output.fileHandleForReading
            let process = running.process
            let text = try await offThePool { () -> String in
                var text = ""
                while text.components(separatedBy: "\nack ").count < 1_500 {
                    let chunk = reader.availableData
                    if chunk.isEmpty { break }
                    text += String(decoding: chunk, as: UTF8.self)
                }
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                return text + String(decoding: reader.readDataToEndOfFile(), as: UTF8.self)
            }
            let acknowledged = Set(Self.acknowledgedIDs(in: text))
            #expect(acknowledged.count >= 1_000, "\(text.suffix(1_000))")
            let stored = Set(try await AuditEvent.query(on: app.db).filter(\.$action == "bench.audit_append").all()
                .map { $0.id!.uuidString.lowercased() })
            #expect(acknowledged.isSubset(of: stored), "\(acknowledged.subtracting(stored).count) acknowledged events are missing")
            let report = try await AuditChainVerifier().verify(on: app.db)
            #expect(report.ok, "\(report.breaks)")
        }
    }

    // MARK: - Running the executable against the test's database

    struct Running {
        let process: ChildProcess
        let output: Pipe
    }

    /// Collects a process's output on a thread of its own, so two children writing at once
    /// never block on a full pipe while the test reads the other.
    final class Collector: @unchecked Sendable {
        private let done = DispatchSemaphore(value: 0)
        private var data = Data()

        init(_ running: Running) {
            Thread.detachNewThread { [self] in
                data = running.output.fileHandleForReading.readDataToEndOfFile()
                done.signal()
            }
        }

        func finish(_ running: Running) -> Finished {
            done.wait()
            running.process.waitUntilExit()
            return Finished(status: running.process.terminationStatus, text: String(decoding: data, as: UTF8.self))
        }
    }

    struct Finished {
        let status: Int32
        let text: String
        var acknowledged: [String] { AuditGroupCommitTests.acknowledgedIDs(in: text) }
    }

    static func environment(of app: Application, backend: TestBackend) async throws -> [String: String] {
        var env = ProcessInfo.processInfo.environment
        let config = app.services.configuration
        env["CAREFLOW_DATA_DIR"] = config.dataDirectory
        env["CAREFLOW_TENANTS_DIR"] = config.tenantsDirectory
        env["LOG_LEVEL"] = "error"
        env["CAREFLOW_MASTER_KEYS"] = nil
        // As the in-process apps (`testConfiguration`): a loaded test run is no deployment.
        env["CAREFLOW_AUDIT_WRITE_LIMIT"] = "300"
        switch backend {
        case .sqlite:
            env["DATABASE_URL"] = nil
        case .postgres:
            let sql = try #require(app.db as? any SQLDatabase)
            let schema = try #require(try await sql.raw("SELECT current_schema() AS schema").first()).decode(column: "schema", as: String.self)
            env["DATABASE_URL"] = TestBackend.postgresURL
            env["CAREFLOW_DATABASE_SCHEMA"] = schema
        }
        return env
    }

    static func start(_ arguments: [String], env: [String: String]) throws -> Running {
        let process = ChildProcess()
        process.executableURL = URL(fileURLWithPath: CommandLineTests.executable)
        process.arguments = arguments
        process.environment = env
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return Running(process: process, output: output)
    }

    /// The event ids of complete `ack <seq> <id>` lines.
    static func acknowledgedIDs(in text: String) -> [String] {
        text.split(separator: "\n").compactMap { line in
            let parts = line.split(separator: " ")
            guard parts.count == 3, parts[0] == "ack", parts[2].count == 36 else { return nil }
            return String(parts[2])
        }
    }
}
