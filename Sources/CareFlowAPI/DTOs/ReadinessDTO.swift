import CareFlowCore
import Vapor

/// `GET /ready` when the database answers. The worker's lag is reported, never a reason to
/// answer 503 (`Readiness`).
struct ReadinessDTO: Content {
    struct DatabaseCheck: Content {
        let status: String
        /// Waiting for a pooled connection.
        let acquireMs: Double
        /// `SELECT 1` on it.
        let queryMs: Double

        enum CodingKeys: String, CodingKey {
            case status
            case acquireMs = "acquire_ms"
            case queryMs = "query_ms"
        }
    }

    struct WorkerCheck: Content {
        /// "ok", or "lagging" past the threshold.
        let status: String
        let oldestDueAgeSeconds: Double
        /// Whether this process runs an outbox worker (`CAREFLOW_WORKER` not `off`).
        let inProcess: Bool
        /// When this process's worker last claimed; null without one.
        let lastPassAt: Date?

        enum CodingKeys: String, CodingKey {
            case status
            case oldestDueAgeSeconds = "oldest_due_age_seconds"
            case inProcess = "in_process"
            case lastPassAt = "last_pass_at"
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(status, forKey: .status)
            try c.encode(oldestDueAgeSeconds, forKey: .oldestDueAgeSeconds)
            try c.encode(inProcess, forKey: .inProcess)
            try c.encode(lastPassAt, forKey: .lastPassAt)
        }
    }

    let status: String
    let database: DatabaseCheck
    /// Null when the lag query did not answer within the probe's timeout.
    let worker: WorkerCheck?
    let checkedAt: Date

    enum CodingKeys: String, CodingKey {
        case status, database, worker
        case checkedAt = "checked_at"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(status, forKey: .status)
        try c.encode(database, forKey: .database)
        try c.encode(worker, forKey: .worker)
        try c.encode(checkedAt, forKey: .checkedAt)
    }
}

extension ReadinessDTO {
    init(_ readiness: Readiness, reading: DatabaseProbe.Reading, workerInProcess: Bool) {
        status = "ready"
        database = DatabaseCheck(status: "up", acquireMs: Self.milliseconds(reading.acquireSeconds),
                                 queryMs: Self.milliseconds(reading.querySeconds))
        worker = readiness.worker.map {
            WorkerCheck(status: $0.lagging ? "lagging" : "ok", oldestDueAgeSeconds: ($0.oldestDueAgeSeconds * 1000).rounded() / 1000,
                        inProcess: workerInProcess, lastPassAt: $0.lastPass)
        }
        checkedAt = readiness.checkedAt
    }

    /// Three decimals: enough to see a slow pool, short enough to read.
    private static func milliseconds(_ seconds: Double) -> Double { (seconds * 1_000_000).rounded() / 1000 }
}

extension ReadinessDTO: SchemaSample {
    static var schemaSamples: [Self] {
        [ReadinessDTO(status: "ready", database: DatabaseCheck(status: "up", acquireMs: 0.21, queryMs: 0.35),
                      worker: WorkerCheck(status: "ok", oldestDueAgeSeconds: 0, inProcess: true, lastPassAt: Date()), checkedAt: Date())]
    }
    static var schemaNotes: [String: SchemaNote] { ["status": .values(["ready"])] }
}
