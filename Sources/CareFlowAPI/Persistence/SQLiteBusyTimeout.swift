import Fluent
import SQLKit
import Vapor

/// Makes every pooled SQLite connection wait for the write lock by sleeping, not spinning.
///
/// SQLiteNIO opens each connection with a busy handler that retries at once, for ever: a writer
/// that finds the lock taken burns a whole core on a blocking-pool thread until the holder
/// commits. `PRAGMA busy_timeout` replaces that handler (one busy handler per connection) with
/// SQLite's own, which sleeps in growing steps (1 ms … 100 ms) up to the limit, then answers
/// SQLITE_BUSY. The pool keeps one connection per event loop for the process's life, so setting
/// it on each loop's connection at start-up covers them all.
enum SQLiteBusyTimeout {
    /// Longer than the connection pool's own wait (30 s): a writer waits as long as a request would.
    static let milliseconds = 30_000

    static func apply(_ app: Application, id: DatabaseID = .sqlite) async throws {
        for loop in app.eventLoopGroup.makeIterator() {
            guard let sql = app.databases.database(id, logger: app.logger, on: loop) as? any SQLDatabase else { continue }
            try await sql.raw("PRAGMA busy_timeout = \(unsafeRaw: String(milliseconds))").run()
        }
    }

    /// The limit each loop's connection has now (tests check every one was set).
    static func current(_ app: Application, id: DatabaseID = .sqlite) async throws -> [Int] {
        var values: [Int] = []
        for loop in app.eventLoopGroup.makeIterator() {
            guard let sql = app.databases.database(id, logger: app.logger, on: loop) as? any SQLDatabase else { continue }
            if let row = try await sql.raw("PRAGMA busy_timeout").first() {
                values.append(try row.decode(column: row.allColumns.first ?? "timeout", as: Int.self))
            }
        }
        return values
    }
}
