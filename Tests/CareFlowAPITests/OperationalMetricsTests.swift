@testable import CareFlowAPI
@testable import CareFlowCore
import Fluent
import Foundation
import Testing
import VaporTesting

/// Issue 16: `/metrics` carries database-pool, outbox-lag and audit-batch metrics, and each
/// moves when its cause happens.
@Suite("Operational metrics")
struct OperationalMetricsTests {
    static func withToken(_ config: inout AppConfiguration) {
        config.metricsToken = AppConfiguration.fromEnvironment(["CAREFLOW_METRICS_TOKEN": OperationsFixtures.metricsToken]).metricsToken
    }

    @Test("outbox gauges: due, undelivered and the oldest due age follow the queue and fall when the worker delivers",
          arguments: TestBackend.enabled)
    func outboxLag(backend: TestBackend) async throws {
        try await withCareFlow(backend, configure: Self.withToken) { app in
            let tenantID = try await OperationsFixtures.tenantWithEmptyOutbox(app, slug: "obxm")
            var scraped = try await OperationsFixtures.scrape(app)
            #expect(scraped.value("careflow_outbox_due_messages") == 0)
            #expect(scraped.value("careflow_outbox_pending_messages") == 0)
            #expect(scraped.value("careflow_outbox_oldest_due_age_seconds") == 0)

            try await OperationsFixtures.enqueue(app, tenantID: tenantID, due: Date().addingTimeInterval(-120))
            try await OperationsFixtures.enqueue(app, tenantID: tenantID, due: Date().addingTimeInterval(-5))
            try await OperationsFixtures.enqueue(app, tenantID: tenantID, due: Date().addingTimeInterval(3_600))
            scraped = try await OperationsFixtures.scrape(app)
            #expect(scraped.value("careflow_outbox_due_messages") == 2)
            #expect(scraped.value("careflow_outbox_pending_messages") == 3)
            let age = try #require(scraped.value("careflow_outbox_oldest_due_age_seconds"))
            #expect(age >= 120 && age < 180, "\(age)")

            let senders = OutboxTests.ScriptedSenders()
            senders.failing.withLock { $0 = false }
            #expect(try await OutboxTests.worker(app, senders).runOnce() == 2)
            scraped = try await OperationsFixtures.scrape(app)
            #expect(scraped.value("careflow_outbox_due_messages") == 0)
            #expect(scraped.value("careflow_outbox_pending_messages") == 1)
            #expect(scraped.value("careflow_outbox_oldest_due_age_seconds") == 0)
        }
    }

    @Test("audit group commit: the batch sizes add up to the events appended, each batch is timed, none failed",
          arguments: TestBackend.enabled)
    func auditBatches(backend: TestBackend) async throws {
        try await withCareFlow(backend, configure: Self.withToken) { app in
            let before = try await OperationsFixtures.scrape(app)
            let appended = 40
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in 0..<appended {
                    group.addTask {
                        try await app.services.audit.append(
                            AuditRecord(tenantID: nil, actor: .system, action: AuditAction("test.metrics"), details: ["i": String(i)]),
                            origin: RequestOrigin(requestID: "m\(i)"), on: app.db)
                    }
                }
                try await group.waitForAll()
            }
            let after = try await OperationsFixtures.scrape(app)
            func delta(_ name: String) -> Double { (after.value(name) ?? 0) - (before.value(name) ?? 0) }
            #expect(delta("careflow_audit_batch_size_sum") == Double(appended))
            let batches = delta("careflow_audit_batch_size_count")
            #expect(batches >= 1 && batches <= Double(appended), "\(batches)")
            #expect(delta("careflow_audit_batch_commit_duration_seconds_count") == batches)
            #expect(delta("careflow_audit_batch_commit_duration_seconds_sum") > 0)
            #expect(after.value("careflow_audit_batch_failures_total") ?? 0 == 0)
            // Every batch fits the largest bucket (AuditLog.maxBatch events).
            let largest = after.samples.first { $0.name == "careflow_audit_batch_size_bucket" && Self.upperBound($0.labels) == 500 }?.value
            #expect(largest == after.value("careflow_audit_batch_size_count"))
        }
    }

    /// The `le` of a bucket's labels, `{le="500.0"}` → 500.
    static func upperBound(_ labels: String) -> Double? {
        guard let start = labels.range(of: #"le=""#)?.upperBound, let end = labels[start...].firstIndex(of: "\"") else { return nil }
        return Double(labels[start..<end])
    }

    @Test("an audited read over HTTP goes through a batch", arguments: TestBackend.enabled)
    func auditedReadIsBatched(backend: TestBackend) async throws {
        try await withCareFlow(backend, configure: Self.withToken) { app in
            let t = try await Fixtures.tenant(app, slug: "amet")
            let patient = try await Fixtures.patient(app, t)
            let before = try await OperationsFixtures.scrape(app).value("careflow_audit_batch_size_sum") ?? 0
            let read = try await app.send(.GET, "/api/v1/patients/\(patient)", token: t[.doctor].token)
            #expect(read.status == .ok)
            let after = try await OperationsFixtures.scrape(app).value("careflow_audit_batch_size_sum") ?? 0
            #expect(after >= before + 1)
        }
    }

    @Test("database pool: up, capacity per loop times loops, and the probe's wait grows while every connection is taken",
          arguments: TestBackend.enabled)
    func poolWait(backend: TestBackend) async throws {
        try await withCareFlow(backend, configure: Self.withToken) { app in
            var scraped = try await OperationsFixtures.scrape(app)
            let loops = Array(app.eventLoopGroup.makeIterator()).count
            let perLoop = backend == .sqlite ? 1 : app.services.configuration.databasePoolSize
            #expect(scraped.value("careflow_database_up") == 1)
            #expect(scraped.value("careflow_database_pool_connections_max") == Double(loops * perLoop))
            let idleWait = try #require(scraped.value("careflow_database_pool_acquire_seconds"))
            // Upper bounds are loose: a full test run shares two cores among hundreds of apps.
            #expect(idleWait < 10)
            #expect(try #require(scraped.value("careflow_database_ping_seconds")) >= 0)

            // The connections are given back 1.2 s after the scrape was sent, not after a fixed hold:
            // on a loaded run the scrape can take a while to reach its probe, and a fixed hold could
            // end before the probe even queued. The probe's own limit is 2 s.
            let release = ReleaseSignal()
            let holder = await OperationsFixtures.holdEveryConnection(app, backend: backend, for: 60, release: release)
            let scrape = Task { try await OperationsFixtures.scrape(app) }
            try await Task.sleep(for: .seconds(1.2))
            release.set()
            scraped = try await scrape.value
            await holder.value
            let busyWait = try #require(scraped.value("careflow_database_pool_acquire_seconds"))
            #expect(busyWait >= 0.5 && busyWait < 2, "\(busyWait)")
            #expect(scraped.value("careflow_database_up") == 1)
        }
    }
}
