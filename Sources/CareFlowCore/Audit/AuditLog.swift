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
///
/// Staged events (PostgreSQL): a write's event commits with the write (`WriteTransaction`), but
/// it is staged there (`AuditStagedEvent`) rather than linked, so the write does not hold the
/// chain's lock to its commit. The request then waits for a batch of the chain's writer, which links
/// every staged event of the chain before its own; after a crash in between, staged events
/// are linked at the next start (`linkAllStaged`).
public final class AuditLog: Sendable {
    /// The most events one transaction writes.
    public static let maxBatch = 500
    /// The most staged events one batch links; a batch that reaches it is followed by another.
    static let maxStagedPerBatch = 5_000
    /// The most events one INSERT writes (17 values each).
    static let insertChunk = 1_000

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
        // transaction, so it is written there rather than by the chain's writer. In a
        // `WriteTransaction` it is staged, and linked by the chain's writer after the commit.
        // Otherwise it is linked there, alone (the chain's lock then held to the commit). It
        // never waits for the chain's writer: the caller's transaction holds a pooled connection
        // and, on SQLite, the write lock, while the batch in flight needs one or the other.
        if db.inTransaction {
            if let staging = AuditStaging.current, Self.stagesInTransaction(db) {
                let staged = Self.stage(Pending(record: record, origin: origin), chain: chain)
                try await staged.create(on: db)
                staging.staged(by: self, chain: chain)
                return staged.linked(seq: 0, prevHash: "")
            }
            return try await Self.write([Pending(record: record, origin: origin)], chain: chain, on: db).events[0]
        }
        return try await writers.writer(for: chain).submit(Pending(record: record, origin: origin), on: db)!
    }

    /// Whether an event inside a write transaction is staged rather than linked there. On
    /// PostgreSQL writes run side by side, and linking inside each took the chain's lock to its
    /// commit: a tenant's writes went one flush at a time (booking 245 → 95 req/s). SQLite has
    /// one writer, whose lock the transaction holds anyway: linking there costs a read and an
    /// insert, staging a second commit (booking 281 → 208 req/s, `benchmarks/RESULTS.md`).
    static func stagesInTransaction(_ db: any Database) -> Bool {
        (db as? any SQLDatabase)?.dialect.name == "postgresql"
    }

    /// Links the chain's staged events (its writer's next batch does) and returns once they are.
    public func linkStaged(chain: String, on db: any Database) async throws {
        _ = try await writers.writer(for: chain).submit(nil, on: db)
    }

    /// Links the staged events of every chain: those a crash or a failed batch left behind.
    /// Returns how many chains had some.
    @discardableResult
    public func linkAllStaged(on db: any Database) async throws -> Int {
        let chains = Set(try await AuditStagedEvent.query(on: db).unique().field(\.$chain).all().map(\.chain))
        for chain in chains.sorted() { try await linkStaged(chain: chain, on: db) }
        return chains.count
    }

    struct Pending: Sendable {
        let record: AuditRecord
        let origin: RequestOrigin
    }

    struct Written {
        /// `batch`'s events, in its order.
        let events: [AuditEvent]
        /// Whether every staged event of the chain was linked (false: more than one batch's
        /// worth, and `batch` was not written: it waits for the next).
        let stagedDrained: Bool
    }

    /// Links `batch` to the chain's head and inserts it in one transaction (or in the caller's);
    /// with `linkingStaged`, the chain's staged events first (they happened before the batch).
    static func write(_ batch: [Pending], chain: String, linkingStaged: Bool = false, on db: any Database) async throws -> Written {
        var attempt = 0
        while true {
            do {
                return try await db.transaction { tx in
                    try await lockChain(chain, on: tx)
                    let last = try await AuditEvent.query(on: tx)
                        .filter(\.$chain == chain).sort(\.$seq, .descending).first()
                    var seq = last?.seq ?? 0
                    var prevHash = last?.hash ?? AuditHasher.genesis
                    var staged: [AuditStagedEvent] = []
                    if linkingStaged {
                        staged = try await AuditStagedEvent.query(on: tx).filter(\.$chain == chain)
                            .sort(\.$occurredAtMs).sort(\.$id).limit(maxStagedPerBatch).all()
                    }
                    // More staged events than one batch links (a long outage of the link): this
                    // batch links only those, so that the chain keeps the order events happened in;
                    // its new events go in a later batch, after the rest.
                    let drained = staged.count < maxStagedPerBatch
                    let now = Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
                    let fresh = drained ? batch.map { stage($0, chain: chain, occurredAtMs: now) } : []
                    let linked = (staged + fresh).map { event in
                        seq += 1
                        let linked = event.linked(seq: seq, prevHash: prevHash)
                        prevHash = linked.hash
                        return linked
                    }
                    if !staged.isEmpty {
                        try await AuditStagedEvent.query(on: tx).filter(\.$id ~~ staged.compactMap(\.id)).delete()
                    }
                    // One INSERT per chunk: a statement of all 5,000 staged events would bind
                    // 85,000 values, past PostgreSQL's 65,535 (and SQLite's 32,766).
                    for start in stride(from: 0, to: linked.count, by: insertChunk) {
                        try await Array(linked[start..<min(start + insertChunk, linked.count)]).create(on: tx)
                    }
                    return Written(events: Array(linked.suffix(fresh.count)), stagedDrained: drained)
                }
            } catch let error as any DatabaseError where error.isConstraintFailure && attempt < 5 {
                attempt += 1
            }
        }
    }

    /// `pending` as an event of `chain` that happened now (or at `occurredAtMs`), not yet linked.
    static func stage(_ pending: Pending, chain: String, occurredAtMs: Int64? = nil) -> AuditStagedEvent {
        let record = pending.record
        let event = AuditStagedEvent()
        event.id = UUID()
        event.chain = chain
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
        event.occurredAtMs = occurredAtMs ?? Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
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
/// chain in flight. An entry without an event asks for the chain's staged events to be linked.
private actor ChainWriter {
    let chain: String
    let metrics: AuditBatchMetrics
    let holdLimit: Duration
    private var queue: [(AuditLog.Pending?, CheckedContinuation<AuditEvent?, any Error>)] = []
    private var busy = false
    /// Where batches are written: the first (non-transaction) handle an append brought.
    private var database: (any Database)?

    init(chain: String, metrics: AuditBatchMetrics, holdLimit: Duration) {
        self.chain = chain
        self.metrics = metrics
        self.holdLimit = holdLimit
    }

    /// The event once linked; nil for a request to link the staged events.
    func submit(_ pending: AuditLog.Pending?, on db: any Database) async throws -> AuditEvent? {
        // Any request's handle serves: outside a transaction they all reach the same pool.
        if database == nil, !db.inTransaction { database = db }
        return try await withCheckedThrowingContinuation { continuation in
            queue.append((pending, continuation))
            if !busy {
                busy = true
                Task { await self.drain() }
            }
        }
    }

    private func drain() async {
        guard let db = database else {
            busy = false
            for item in queue { item.1.resume(throwing: AppError.unavailable("The audit trail has no database handle yet")) }
            queue = []
            return
        }
        while !queue.isEmpty {
            let batch = Array(queue.prefix(AuditLog.maxBatch))
            queue.removeFirst(batch.count)
            let started = ContinuousClock.now
            do {
                let pending = batch.compactMap(\.0), chain = chain
                let linkingStaged = pending.count < batch.count
                // On SQLite in this process's write queue, like every write transaction: outside
                // it, the batch waited for the write lock in SQLite's busy handler, which sleeps
                // in growing steps (up to 100 ms) and under a stream of queued writes kept missing
                // the moments the lock was free, while every request of the batch waited.
                let written = try await AuditChainHold.bounded(limit: holdLimit) {
                    try await SQLiteWriteQueue.shared.run(on: db) {
                        try await AuditLog.write(pending, chain: chain, linkingStaged: linkingStaged, on: db)
                    }
                }
                metrics.committed(events: written.events.count, duration: ContinuousClock.now - started)
                guard written.stagedDrained else {
                    // Only staged events were linked; the whole batch goes again, first.
                    queue.insert(contentsOf: batch, at: 0)
                    continue
                }
                var events = written.events.makeIterator()
                for item in batch { item.1.resume(returning: item.0 == nil ? nil : events.next()) }
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
