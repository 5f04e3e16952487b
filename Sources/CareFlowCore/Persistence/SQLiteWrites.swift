import FluentKit
import Foundation
import SQLKit

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

/// Runs writes of this process one at a time, on SQLite only. SQLite has a single writer
/// anyway; a writer that finds the lock taken spins in SQLiteNIO's busy handler on a thread of
/// the shared blocking pool, and enough spinners starve the lock's holder of a thread to finish
/// on. Queuing in-process instead costs nothing. On PostgreSQL the body runs at once: the
/// database arbitrates, across replicas too.
final class SQLiteWriteQueue: Sendable {
    /// One queue for the process: SQLite's single writer is shared by every service.
    static let shared = SQLiteWriteQueue()

    private let queue = Queue()

    func run<T: Sendable>(on db: any Database, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        guard let sql = db as? any SQLDatabase, sql.dialect.name == "sqlite" else { return try await body() }
        return try await queue.run(body)
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
