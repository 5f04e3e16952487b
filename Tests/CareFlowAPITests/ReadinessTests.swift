@testable import CareFlowAPI
import CareFlowCore
import Fluent
import Foundation
import Testing
import VaporTesting

/// Issue 16: `/ready` answers from the database check (a bounded `SELECT 1`) and reports the
/// outbox workers' lag without letting it make the replica unready.
@Suite("Readiness")
struct ReadinessTests {
    @Test("the database answers: 200 with its timings and the worker's lag; the worker's last pass once it has run",
          arguments: TestBackend.enabled)
    func ready(backend: TestBackend) async throws {
        try await withCareFlow(backend, configure: { $0.inProcessWorker = true }) { app in
            _ = try await OperationsFixtures.tenantWithEmptyOutbox(app, slug: "ready")
            let res = try await app.send(.GET, "/ready")
            #expect(res.status == .ok)
            #expect(res.headers.contentType == .json)
            #expect(res.headers.first(name: .cacheControl) == "no-store")
            let body = res.json
            #expect(body["status"] as? String == "ready")
            let database = try #require(body["database"] as? [String: Any])
            #expect(database["status"] as? String == "up")
            let acquire = try #require(database["acquire_ms"] as? Double), query = try #require(database["query_ms"] as? Double)
            // Timings, not a benchmark: bounded by the probe's own limit (the suite's is 30 s).
            let limit = app.services.configuration.readyTimeout * 1_000
            #expect(acquire >= 0 && acquire < limit && query >= 0 && query < limit, "\(acquire) ms, \(query) ms")
            let worker = try #require(body["worker"] as? [String: Any])
            #expect(worker["status"] as? String == "ok")
            #expect(worker["oldest_due_age_seconds"] as? Double == 0)
            #expect(worker["in_process"] as? Bool == true)
            // No worker has run in this process (tests start none), so there is no last pass yet.
            #expect(worker["last_pass_at"] is NSNull)

            let before = Date()
            try await app.services.outboxWorker.runOnce()
            let after = try await app.send(.GET, "/ready").json["worker"] as? [String: Any]
            let lastPass = try #require(after?["last_pass_at"] as? String)
            let instant = try #require(ISO8601DateFormatter().date(from: lastPass))
            #expect(instant.timeIntervalSince(before) > -1 && instant.timeIntervalSinceNow < 1)
        }
    }

    @Test("a message 10 minutes overdue marks the worker lagging, and the replica stays ready (200)", arguments: TestBackend.enabled)
    func lagIsReportedNotFatal(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let tenantID = try await OperationsFixtures.tenantWithEmptyOutbox(app, slug: "lag")
            try await OperationsFixtures.enqueue(app, tenantID: tenantID, due: Date().addingTimeInterval(-600))
            try await OperationsFixtures.enqueue(app, tenantID: tenantID, due: Date().addingTimeInterval(-30))
            // Not yet due: no lag from it.
            try await OperationsFixtures.enqueue(app, tenantID: tenantID, due: Date().addingTimeInterval(3_600))
            let res = try await app.send(.GET, "/ready")
            #expect(res.status == .ok)
            let worker = try #require(res.json["worker"] as? [String: Any])
            #expect(worker["status"] as? String == "lagging")
            let age = try #require(worker["oldest_due_age_seconds"] as? Double)
            #expect(age >= 600 && age < 660, "\(age)")
        }
    }

    @Test("a claimed message whose lease ended is due again: its lag counts from the lease's end", arguments: TestBackend.enabled)
    func expiredLeaseCounts(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let tenantID = try await OperationsFixtures.tenantWithEmptyOutbox(app, slug: "lease")
            let id = try await OperationsFixtures.enqueue(app, tenantID: tenantID, due: Date().addingTimeInterval(-1_000))
            // A worker claimed it and died; its lease ended 120 s ago.
            let message = try #require(try await OutboxMessage.find(id, on: app.db))
            message.status = .sending
            message.leaseUntil = Date().addingTimeInterval(-120)
            try await message.save(on: app.db)
            let lag = try await OutboxLag.oldestDue(on: app.db)
            #expect(lag.oldestDueAgeSeconds >= 120 && lag.oldestDueAgeSeconds < 180, "\(lag.oldestDueAgeSeconds)")
        }
    }

    @Test("the database does not answer: 503 problem+json with Retry-After, within the probe's bound", arguments: TestBackend.enabled)
    func databaseDown(backend: TestBackend) async throws {
        try await withCareFlow(backend, configure: {
            $0.metricsToken = AppConfiguration.fromEnvironment(["CAREFLOW_METRICS_TOKEN": OperationsFixtures.metricsToken]).metricsToken
        }) { app in
            #expect(try await app.send(.GET, "/ready").status == .ok)
            #expect(try await OperationsFixtures.scrape(app).value("careflow_database_up") == 1)
            OperationsFixtures.takeDatabaseDown(app, backend: backend)
            let started = Date()
            let res = try await app.send(.GET, "/ready")
            #expect(Date().timeIntervalSince(started) < app.services.configuration.readyTimeout + 1)
            #expect(res.status == .serviceUnavailable)
            #expect(res.isProblem)
            let retryAfter = try #require(res.headers.first(name: .retryAfter).flatMap(Int.init))
            #expect(retryAfter > 0)
            #expect(res.headers.first(name: .cacheControl) == "no-store")
            // Liveness is not readiness: the process itself is fine.
            #expect(try await app.send(.GET, "/health").status == .ok)
            #expect(try await OperationsFixtures.scrape(app).value("careflow_database_up") == 0)
        }
    }

    @Test("a pool that hands out no connection in time is reported down (timeout) rather than waited on", arguments: TestBackend.enabled)
    func boundedByTheProbe(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            // Held far longer than the probe's limit and given back only after the check answered:
            // a check that waited for the pool would have answered "up", and late. The bound on
            // the time is loose because a loaded run can fire a 0.3 s deadline a second late.
            let release = ReleaseSignal()
            let holder = await OperationsFixtures.holdEveryConnection(app, backend: backend, for: 30, release: release)
            let check = ReadinessCheck(probe: DatabaseProbe(timeout: 0.3), heartbeat: WorkerHeartbeat())
            let started = Date()
            let readiness = await check.check(app.db)
            release.set()
            #expect(Date().timeIntervalSince(started) < 10)
            guard case .down(let unreachable) = readiness.database else {
                Issue.record("expected the database reported down while the pool is held")
                return
            }
            #expect(unreachable.reason == .timeout)
            #expect(!readiness.isReady && readiness.worker == nil)
            await holder.value
            // Once the pool is free again, a probe with room for a loaded test run says ready.
            #expect(await ReadinessCheck(probe: DatabaseProbe(timeout: 30), heartbeat: WorkerHeartbeat()).check(app.db).isReady)
        }
    }
}
