import CareFlowCore
import Foundation
// SQLiteNIO's bundled SQLite (symbols prefixed `sqlite_nio_`): the same library the server
// uses, so the backup API copies exactly the file format the server writes.
import VaporCSQLite

/// A plain connection to a SQLite file for the backup commands, outside Fluent: the online
/// backup API, and reading a copy (tables, counts, wrapped keys) before it is trusted.
final class SQLiteFile {
    private var handle: OpaquePointer?
    let path: String

    enum Mode { case readOnly, existing, create }

    init(path: String, mode: Mode) throws {
        self.path = path
        let flags = switch mode {
        case .readOnly: SQLITE_OPEN_READONLY
        // The live database is opened writable (never written): a reader of a WAL database may
        // need to create its shared-memory index.
        case .existing: SQLITE_OPEN_READWRITE
        case .create: SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
        }
        let status = sqlite_nio_sqlite3_open_v2(path, &handle, flags | SQLITE_OPEN_NOMUTEX, nil)
        guard status == SQLITE_OK else {
            // deinit closes the handle SQLite allocates even when opening fails.
            throw BackupError.failed("cannot open the SQLite database \(path): \(message)")
        }
        // The server holds the write lock for short transactions: wait for it rather than fail.
        sqlite_nio_sqlite3_busy_timeout(handle, 30_000)
    }

    deinit { sqlite_nio_sqlite3_close(handle) }

    private var message: String {
        handle.flatMap { sqlite_nio_sqlite3_errmsg($0) }.map { String(cString: $0) } ?? "unknown error"
    }

    /// Copies the whole database to `destination` with the online backup API in one step: one
    /// read transaction, hence a consistent snapshot, while the server keeps writing (in WAL
    /// mode writers do not wait for it). Busy or locked answers are retried.
    func backup(to destination: String) throws {
        let target = try SQLiteFile(path: destination, mode: .create)
        guard let backup = sqlite_nio_sqlite3_backup_init(target.handle, "main", handle, "main") else {
            throw BackupError.failed("SQLite backup could not start: \(target.message)")
        }
        var status: Int32
        var attempts = 0
        repeat {
            status = sqlite_nio_sqlite3_backup_step(backup, -1)
            if status == SQLITE_BUSY || status == SQLITE_LOCKED {
                attempts += 1
                usleep(50_000)
            }
        } while (status == SQLITE_BUSY || status == SQLITE_LOCKED) && attempts < 600
        let finish = sqlite_nio_sqlite3_backup_finish(backup)
        guard status == SQLITE_DONE, finish == SQLITE_OK else {
            throw BackupError.failed("SQLite backup did not complete (status \(status)): \(target.message)")
        }
    }

    /// Rows of a query, every column as text (NULL as nil).
    func rows(_ sql: String) throws -> [[String?]] {
        var statement: OpaquePointer?
        guard sqlite_nio_sqlite3_prepare_v2(handle, sql, -1, &statement, nil) == SQLITE_OK else {
            throw BackupError.failed("SQLite query failed on \(path): \(message)")
        }
        defer { sqlite_nio_sqlite3_finalize(statement) }
        var result: [[String?]] = []
        let columns = sqlite_nio_sqlite3_column_count(statement)
        while true {
            let step = sqlite_nio_sqlite3_step(statement)
            if step == SQLITE_DONE { break }
            guard step == SQLITE_ROW else { throw BackupError.failed("SQLite query failed on \(path): \(message)") }
            result.append((0..<columns).map { i in
                sqlite_nio_sqlite3_column_text(statement, i).map { String(cString: $0) }
            })
        }
        return result
    }

    /// The application's tables (SQLite's own excluded).
    func tables() throws -> [String] {
        try rows("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").compactMap { $0[0] }
    }

    /// Rows per table.
    func counts() throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for table in try tables() {
            let quoted = "\"" + table.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            counts[table] = Int(try rows("SELECT count(*) FROM \(quoted)").first?.first.flatMap { $0 } ?? "") ?? 0
        }
        return counts
    }

    func wrappedKeys() throws -> [WrappedKeyCheck.Row] {
        guard try tables().contains(WrappedKey.schema) else { return [] }
        return try rows("SELECT owner, purpose, version, status, wrapped FROM wrapped_keys").map { row in
            WrappedKeyCheck.Row(owner: row[0] ?? "", purpose: row[1] ?? "", version: Int(row[2] ?? "") ?? 0,
                                status: row[3] ?? "", wrapped: row[4] ?? "")
        }
    }
}
