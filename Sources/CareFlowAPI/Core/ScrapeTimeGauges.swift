import CareFlowCore
import Fluent
import Foundation
import Prometheus

/// Gauges measured when Prometheus scrapes, not kept up to date in between: the database
/// probe (the pool as a request sees it) and the outbox lag. Measuring on demand keeps
/// them fresh at the scrape interval with no background task, and costs nothing between
/// scrapes. Only counts and ages: no tenant, no label with unbounded values.
struct ScrapeTimeGauges: Sendable {
    let databaseUp: Gauge
    let poolAcquire: Gauge
    let ping: Gauge
    let poolCapacity: Gauge
    let outboxOldestDueAge: Gauge
    let outboxDue: Gauge
    let outboxPending: Gauge
    let probe: DatabaseProbe

    init(registry: PrometheusCollectorRegistry, probe: DatabaseProbe = DatabaseProbe()) {
        self.probe = probe
        databaseUp = registry.makeGauge(name: "careflow_database_up",
                                        help: "1 when the database answered the scrape's SELECT 1 within the probe timeout, else 0")
        poolAcquire = registry.makeGauge(name: "careflow_database_pool_acquire_seconds",
                                         help: "Time the scrape's probe waited for a pooled database connection")
        ping = registry.makeGauge(name: "careflow_database_ping_seconds", help: "Round trip of SELECT 1 on a pooled connection")
        poolCapacity = registry.makeGauge(name: "careflow_database_pool_connections_max",
                                          help: "Database connections this replica may open (per event loop times event loops)")
        outboxOldestDueAge = registry.makeGauge(name: "careflow_outbox_oldest_due_age_seconds",
                                                help: "Age of the oldest outbox message due and not delivered; 0 when none")
        outboxDue = registry.makeGauge(name: "careflow_outbox_due_messages", help: "Outbox messages due now and not delivered")
        outboxPending = registry.makeGauge(name: "careflow_outbox_pending_messages",
                                           help: "Outbox messages not yet delivered, due now or later")
    }

    /// Measures and sets every gauge. When the database does not answer, the outbox gauges keep
    /// their last values; `careflow_database_up` 0 says they are stale.
    func refresh(_ db: any Database, poolCapacity capacity: Int) async {
        poolCapacity.set(to: Double(capacity))
        let reading: DatabaseProbe.Reading
        do {
            reading = try await probe.measure(db)
        } catch {
            databaseUp.set(to: 0)
            return
        }
        databaseUp.set(to: 1)
        poolAcquire.set(to: reading.acquireSeconds)
        ping.set(to: reading.querySeconds)
        guard let lag = try? await Deadline.run(seconds: probe.timeout, { try await OutboxLag.measure(on: db) }) else { return }
        outboxOldestDueAge.set(to: lag.oldestDueAgeSeconds)
        outboxDue.set(to: Double(lag.due ?? 0))
        outboxPending.set(to: Double(lag.pending ?? 0))
    }
}

/// The audit group commit's metrics in the application's registry, with buckets fitted to
/// batches (1 to `AuditLog.maxBatch` events) and to one transaction's commit.
enum AuditBatchPrometheus {
    static func metrics(in registry: PrometheusCollectorRegistry) -> AuditBatchMetrics {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.valueHistogramBuckets[AuditBatchMetrics.sizeLabel] = [1, 2, 4, 8, 16, 32, 64, 128, 256, Double(AuditLog.maxBatch)]
        factory.durationHistogramBuckets[AuditBatchMetrics.commitDurationLabel] = [
            .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
            .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500),
        ]
        return AuditBatchMetrics(factory: factory)
    }
}
