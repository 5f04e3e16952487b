import FluentKit
import Foundation
import SQLKit
import Synchronization

/// SQLite answers SQLITE_BUSY at once, without waiting, when a transaction that has read wants
/// to write while another connection is writing (waiting could deadlock). Such a transaction
/// has rolled back, so running it again is safe. The audit log's appends are transactions of
/// exactly that shape (read the chain head, then insert), so scheduling runs them, and its own
/// read-then-write transactions, through a few short retries. Constraint and syntax errors are
/// never retried; on PostgreSQL the retry is practically never taken.
enum BusyRetry {
    static let attempts = 5

    static func run<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        var attempt = 1
        while true {
            do {
                return try await body()
            } catch let error as any DatabaseError where !error.isConstraintFailure && !error.isSyntaxError && attempt < attempts {
                try await Task.sleep(for: .milliseconds(5 << attempt))
                attempt += 1
            }
        }
    }
}

extension AuditLog {
    /// `append`, retried while SQLite reports the database busy.
    func appendRetrying(_ record: AuditRecord, origin: RequestOrigin, on db: any Database) async throws {
        try await BusyRetry.run { _ = try await append(record, origin: origin, on: db) }
    }
}

/// Runs writes of this process one at a time per SQLite database, on SQLite only. SQLite has a
/// single writer anyway; a writer that finds the lock taken spins in SQLiteNIO's busy handler on
/// a thread of the shared blocking pool, and enough spinners starve the lock's holder of a
/// thread to finish on. Queuing in-process instead costs nothing. On PostgreSQL the body runs at
/// once: the database arbitrates, across replicas too.
final class SQLiteWriteQueue: Sendable {
    /// One for the process: SQLite's single writer is shared by every service of a database.
    static let shared = SQLiteWriteQueue()

    /// A queue per database (a server has one; the test process runs many apps, each on a file
    /// of its own, whose writes must not wait behind each other's), keyed by the database's
    /// configuration, which names its file.
    private let queues = Mutex<[String: Queue]>([:])

    private func queue(for db: any Database) -> Queue {
        let key = String(describing: db.context.configuration)
        return queues.withLock { queues in
            if let queue = queues[key] { return queue }
            let queue = Queue()
            queues[key] = queue
            return queue
        }
    }

    /// Set while a body of the queue runs (and in the tasks it starts).
    @TaskLocal static var holding = false

    /// A write nested in another — an SMS reply's check-in inside the webhook's transaction —
    /// runs at once: it already holds the queue, or is inside a transaction that does; queueing
    /// it behind its own caller would wait forever.
    func run<T: Sendable>(on db: any Database, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        guard let sql = db as? any SQLDatabase, sql.dialect.name == "sqlite", !Self.holding, !db.inTransaction else {
            return try await body()
        }
        return try await queue(for: db).run { try await Self.$holding.withValue(true) { try await body() } }
    }

    private actor Queue {
        private var tail: Task<Void, Never>?

        func run<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
            let previous = tail
            let task = Task { () async throws -> T in
                await previous?.value
                return try await body()
            }
            tail = Task { _ = try? await task.value }
            return try await task.value
        }
    }
}

/// A write transaction as services run one. On SQLite: queued behind this process's other
/// writers (`SQLiteWriteQueue`), holding the write lock from its first statement, and run again
/// if another process held it past the busy timeout (as `BusyRetry`, but only then: a body is
/// never run twice). On PostgreSQL: the transaction alone. On both, the audit events of the
/// body commit with it: linked into their chains there on SQLite, staged on PostgreSQL and
/// linked right after the commit (`AuditStaging`).
///
/// Why the lock first: SQLite starts a transaction as a reader, and a transaction that has read
/// is refused at its first write, at once and without waiting out the busy timeout
/// (SQLITE_BUSY_SNAPSHOT), whenever another connection committed after its snapshot — the audit
/// chain's writer, a worker, another process. Most services read before they write (a lock row,
/// a sequence, a status to check), so each took its chance against every concurrent commit.
/// A no-op write as the first statement takes the lock the way `BEGIN IMMEDIATE` would (Fluent
/// only issues `BEGIN`), and waits under the busy timeout like any first write.
public enum WriteTransaction {
    public static func run<T: Sendable>(on db: any Database, _ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        if db.inTransaction {
            // Part of the caller's transaction: its retry covers this body too, and its staging.
            let staging = AuditStaging.current
            return try await db.transaction { tx in
                try await takeWriteLock(on: tx)
                return try await AuditStaging.$current.withValue(staging) { try await body(tx) }
            }
        }
        // Audit events the body appends on PostgreSQL are staged in its transaction and linked
        // into their chains once it has ended (`AuditStaging`). Set inside the transaction's
        // closure: on PostgreSQL Fluent runs it in a task of its own, started from the event
        // loop, which inherits no task-local value.
        let staging = AuditStaging()
        let result = await Result(catching: {
            try await queued(on: db) { tx in try await AuditStaging.$current.withValue(staging) { try await body(tx) } }
        })
        await staging.link(on: db)
        return try result.get()
    }

    private static func queued<T: Sendable>(on db: any Database, _ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        try await SQLiteWriteQueue.shared.run(on: db) {
            var attempt = 1
            while true {
                do {
                    return try await db.transaction { tx in
                        do {
                            try await takeWriteLock(on: tx)
                        } catch {
                            throw LockNotTaken(error: error)
                        }
                        return try await body(tx)
                    }
                } catch let failure as LockNotTaken {
                    // Only a transaction that never got past its first statement runs again: a
                    // body that failed part-way (a refused audit event, a lost connection) may
                    // have changed the models it was given, and inserting one of them a second
                    // time stops the process (Fluent's `create` precondition).
                    guard attempt < BusyRetry.attempts,
                          let error = failure.error as? any DatabaseError, !error.isConstraintFailure, !error.isSyntaxError
                    else { throw failure.error }
                    try await Task.sleep(for: .milliseconds(5 << attempt))
                    attempt += 1
                }
            }
        }
    }

    /// The transaction's first statement (the write lock) failed; nothing of the body ran.
    private struct LockNotTaken: Error {
        let error: any Error
    }

    /// On SQLite, the database's write lock for the rest of the transaction; nothing elsewhere.
    static func takeWriteLock(on db: any Database) async throws {
        guard let sql = db as? any SQLDatabase, sql.dialect.name == "sqlite" else { return }
        try await sql.raw("UPDATE _fluent_migrations SET id = id WHERE 0").run()
    }
}

extension TenantScope {
    /// `transaction` as a `WriteTransaction`: the tenant's scope (row-level security on
    /// PostgreSQL, the request's claim marked), queued and holding SQLite's write lock from the start.
    public func writeTransaction<T: Sendable>(_ body: @escaping @Sendable (TenantScope) async throws -> T) async throws -> T {
        let tenantID = self.tenantID, effect = self.effect
        return try await WriteTransaction.run(on: db) { tx in
            try await TenantSessionSetting.apply(tenantID, on: tx)
            try await effect?.mark(tx)
            return try await body(TenantScope(tenantID: tenantID, db: tx, effect: effect))
        }
    }
}
