import CoreMetrics

/// What the audit group commit reports: events per batch, how long a batch's transaction
/// takes, and batches that failed (their requests got the error). Only batches the chain
/// writers commit are measured; an append inside a caller's transaction commits with it.
/// The factory is passed in, not the process-wide one, so each application (and each test)
/// reports into its own registry.
public struct AuditBatchMetrics: Sendable {
    public static let sizeLabel = "careflow_audit_batch_size"
    public static let commitDurationLabel = "careflow_audit_batch_commit_duration_seconds"
    public static let failuresLabel = "careflow_audit_batch_failures_total"

    let size: Recorder
    let commitDuration: CoreMetrics.Timer
    let failures: Counter

    public init(factory: any MetricsFactory) {
        size = Recorder(label: Self.sizeLabel, dimensions: [], aggregate: true, factory: factory)
        commitDuration = CoreMetrics.Timer(label: Self.commitDurationLabel, dimensions: [], factory: factory)
        failures = Counter(label: Self.failuresLabel, dimensions: [], factory: factory)
    }

    /// Reports nothing.
    public static var none: AuditBatchMetrics { AuditBatchMetrics(factory: NOOPMetricsHandler.instance) }

    func committed(events: Int, duration: Duration) {
        size.record(events)
        let (seconds, attoseconds) = duration.components
        commitDuration.recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }

    func failed() {
        failures.increment()
    }
}
