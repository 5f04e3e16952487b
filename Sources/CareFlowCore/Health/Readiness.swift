import FluentKit
import Foundation

/// What `/ready` reports: whether the database answers (which decides readiness) and how far
/// the outbox workers are behind (which does not).
///
/// A lagging worker leaves every replica unable to help: were lag to make replicas unready, a
/// stuck worker or a provider outage would take the whole API out of the load balancer over a
/// problem no replica can fix. So lag is reported, marked `lagging` past a threshold, and left
/// to alerting on `careflow_outbox_oldest_due_age_seconds`.
public struct Readiness: Sendable {
    public enum DatabaseState: Sendable {
        case up(DatabaseProbe.Reading)
        case down(DatabaseProbe.Unreachable)
    }

    public struct WorkerState: Sendable {
        public let oldestDueAgeSeconds: Double
        public let lagging: Bool
        /// When this process's own worker last claimed (nil: it runs no worker, or has not yet).
        public let lastPass: Date?
    }

    public let database: DatabaseState
    /// nil when the database is down, or the lag query did not answer in time.
    public let worker: WorkerState?
    public let checkedAt: Date

    public var isReady: Bool {
        if case .up = database { return true }
        return false
    }
}

/// Runs the readiness checks; every database wait is bounded by the probe's timeout, because
/// the load balancer polls this and must get an answer sooner than its own timeout.
public struct ReadinessCheck: Sendable {
    public let probe: DatabaseProbe
    public let heartbeat: WorkerHeartbeat
    /// Past this age of the oldest due message the worker is reported as lagging.
    public let lagThreshold: Double

    public init(probe: DatabaseProbe = DatabaseProbe(), heartbeat: WorkerHeartbeat, lagThreshold: Double = 300) {
        self.probe = probe
        self.heartbeat = heartbeat
        self.lagThreshold = lagThreshold
    }

    public func check(_ db: any Database, now: Date = Date()) async -> Readiness {
        let reading: DatabaseProbe.Reading
        do {
            reading = try await probe.measure(db)
        } catch {
            return Readiness(database: .down(error), worker: nil, checkedAt: now)
        }
        let lag = try? await Deadline.run(seconds: probe.timeout) { try await OutboxLag.oldestDue(on: db, now: now) }
        let worker = lag.map {
            Readiness.WorkerState(oldestDueAgeSeconds: $0.oldestDueAgeSeconds, lagging: $0.oldestDueAgeSeconds > lagThreshold,
                                  lastPass: heartbeat.lastPass)
        }
        return Readiness(database: .up(reading), worker: worker, checkedAt: now)
    }
}
