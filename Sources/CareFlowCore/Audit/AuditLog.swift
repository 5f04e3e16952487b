import FluentKit
import Foundation
import SQLKit

/// Appends events to the per-tenant hash chains, with group commit.
///
/// Every audited read used to commit its own transaction, one after another per chain, so the
/// reads of a tenant went single file behind a disk sync. Now requests enqueue their events and
/// one writer per chain drains the queue: the whole batch is linked in order and written in one
/// transaction (one sync), then every waiting request resumes. A request still returns only
/// once its event is durable, and a batch that fails resumes its requests with the error, so no
/// event is acknowledged that was not committed.
///
/// Across processes on PostgreSQL a transaction-scoped advisory lock is taken per batch; the
/// unique (chain, seq) index turns any remaining race into a retry, never a fork.
public final class AuditLog: Sendable {
    /// The most events one transaction writes.
    public static let maxBatch = 500

    private let writers: ChainWriters

    /// `holdLimit`: how long one write may hold a tenant's chain (`AuditChainHold`).
    public init(metrics: AuditBatchMetrics = .none, holdLimit: Duration = AuditChainHold.limit) {
        writers = ChainWriters(metrics: metrics, holdLimit: holdLimit)
    }

    public static func chainKey(for tenantID: UUID?) -> String {
        tenantID?.lowercasedString ?? "platform"
    }

    @discardableResult
    public func append(_ record: AuditRecord, origin: RequestOrigin, on db: any Database) async throws -> AuditEvent {
        let chain = Self.chainKey(for: record.tenantID)
        // Inside a caller's transaction the event must commit or roll back with that
        // transaction, so it is written there, alone, rather than by the chain's writer. It does
        // not wait for the chain's writer either: the database already serializes the two (the
        // advisory lock on PostgreSQL, the single write lock on SQLite, both held to commit), and
        // waiting here deadlocked. The caller's transaction holds a pooled connection and, on
        // SQLite, the write lock, while the batch in flight needs one or the other to finish.
        if db.inTransaction {
            return try await Self.write([Pending(record: record, origin: origin)], chain: chain, on: db)[0]
        }
        return try await writers.writer(for: chain).submit(Pending(record: record, origin: origin), on: db)
    }

    struct Pending: Sendable {
        let record: AuditRecord
        let origin: RequestOrigin
    }

    /// Links `batch` to the chain's head and inserts it in one transaction (or in the caller's).
    static func write(_ batch: [Pending], chain: String, on db: any Database) async throws -> [AuditEvent] {
        var attempt = 0
        while true {
            do {
                return try await db.transaction { tx in
                    try await lockChain(chain, on: tx)
                    let last = try await AuditEvent.query(on: tx)
                        .filter(\.$chain == chain).sort(\.$seq, .descending).first()
                    var seq = last?.seq ?? 0
                    var prevHash = last?.hash ?? AuditHasher.genesis
                    let now = Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
                    let events = batch.map { pending in
                        seq += 1
                        let event = makeEvent(pending, chain: chain, seq: seq, prevHash: prevHash, occurredAtMs: now)
                        prevHash = event.hash
                        return event
                    }
                    try await events.create(on: tx)
                    return events
                }
            } catch let error as any DatabaseError where error.isConstraintFailure && attempt < 5 {
                attempt += 1
            }
        }
    }

    private static func makeEvent(_ pending: Pending, chain: String, seq: Int, prevHash: String, occurredAtMs: Int64) -> AuditEvent {
        let record = pending.record
        let event = AuditEvent()
        event.id = UUID()
        event.chain = chain
        event.seq = seq
        event.tenantID = record.tenantID
        event.facilityID = record.facilityID
        event.actorKind = record.actor.kind
        event.actorID = record.actor.id
        event.action = record.action.rawValue
        event.outcome = record.outcome.rawValue
        event.targetType = record.targetType
        event.targetID = record.targetID
        event.requestID = pending.origin.requestID
        event.ip = pending.origin.ip
        event.details = AuditHasher.canonicalJSON(record.details)
        event.occurredAtMs = occurredAtMs
        event.prevHash = prevHash
        event.hash = AuditHasher.hash(of: event)
        return event
    }

    private static func lockChain(_ chain: String, on db: any Database) async throws {
        guard let sql = db as? any SQLDatabase else { return }
        if sql.dialect.name == "postgresql" {
            var hasher = Hasher64()
            let key = hasher.fnv1a(chain)
            try await sql.raw("SELECT pg_advisory_xact_lock(\(literal: key))").run()
        } else {
            // SQLite: become the writer before reading the chain head. A transaction that reads
            // first and writes later fails with SQLITE_BUSY when another connection committed in
            // between; one that starts with a write simply waits for the lock.
            try await sql.raw("UPDATE audit_events SET seq = seq WHERE 1 = 0").run()
        }
    }
}

/// One writer per chain, created on first use. Looked up on every append, so a lock rather
/// than an actor hop.
private final class ChainWriters: @unchecked Sendable {
    private let mutex = NSLock()
    private var writers: [String: ChainWriter] = [:]
    private let metrics: AuditBatchMetrics
    private let holdLimit: Duration

    init(metrics: AuditBatchMetrics, holdLimit: Duration) {
        self.holdLimit = holdLimit
        self.metrics = metrics
    }

    func writer(for chain: String) -> ChainWriter {
        mutex.lock()
        defer { mutex.unlock() }
        if let writer = writers[chain] { return writer }
        let writer = ChainWriter(chain: chain, metrics: metrics, holdLimit: holdLimit)
        writers[chain] = writer
        return writer
    }
}

/// Drains one chain's queue a batch at a time, so this process never has two batches of one
/// chain in flight.
private actor ChainWriter {
    let chain: String
    let metrics: AuditBatchMetrics
    let holdLimit: Duration
    private var queue: [(AuditLog.Pending, CheckedContinuation<AuditEvent, any Error>)] = []
    private var busy = false
    /// Where batches are written: the first (non-transaction) handle an append brought.
    private var database: (any Database)?

    init(chain: String, metrics: AuditBatchMetrics, holdLimit: Duration) {
        self.chain = chain
        self.metrics = metrics
        self.holdLimit = holdLimit
    }

    func submit(_ pending: AuditLog.Pending, on db: any Database) async throws -> AuditEvent {
        // Any request's handle serves: outside a transaction they all reach the same pool.
        if database == nil { database = db }
        return try await withCheckedThrowingContinuation { continuation in
            queue.append((pending, continuation))
            if !busy {
                busy = true
                Task { await self.drain() }
            }
        }
    }

    private func drain() async {
        guard let db = database else { return }
        while !queue.isEmpty {
            let batch = Array(queue.prefix(AuditLog.maxBatch))
            queue.removeFirst(batch.count)
            let started = ContinuousClock.now
            do {
                let pending = batch.map(\.0), chain = chain
                let events = try await AuditChainHold.bounded(limit: holdLimit) { try await AuditLog.write(pending, chain: chain, on: db) }
                metrics.committed(events: batch.count, duration: ContinuousClock.now - started)
                for (item, event) in zip(batch, events) { item.1.resume(returning: event) }
            } catch {
                metrics.failed()
                for item in batch { item.1.resume(throwing: error) }
            }
        }
        busy = false
    }
}

/// A stable 64-bit hash (FNV-1a); Swift's `Hasher` is seeded per process and cannot be shared.
struct Hasher64 {
    mutating func fnv1a(_ s: String) -> Int64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in s.utf8 {
            h ^= UInt64(b)
            h = h &* 0x100_0000_01b3
        }
        return Int64(bitPattern: h)
    }
}
