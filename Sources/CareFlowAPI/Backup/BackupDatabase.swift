import CareFlowCore
import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import Vapor

/// The database connection of the backup commands (which run without `configure`): the
/// PostgreSQL queries and both commands' audit events. Connections open lazily, at first use:
/// on SQLite that is after the file exists (backup) or was swapped in (restore); copying and
/// checking the file go through SQLite's own API.
enum BackupDatabase {
    static func open(_ app: Application, config: AppConfiguration) throws -> any Database {
        switch config.database {
        case .sqlite(let path):
            app.databases.use(.sqlite(.file(path), connectionPoolTimeout: .seconds(30)), as: .sqlite)
        case .postgres(let url, let searchPath):
            // The owner's role where two are configured: restore recreates the tables, and the
            // application's role may only read and write rows.
            var postgres = try SQLPostgresConfiguration(url: config.databaseMigrationURL ?? url)
            if let searchPath { postgres.searchPath = [searchPath] }
            app.databases.use(.postgres(configuration: postgres, maxConnectionsPerEventLoop: 2), as: .psql)
        }
        return app.db
    }

    /// Appends a platform audit event, retried for a while: on SQLite the running server may
    /// hold the write lock (another process: no busy wait inside the driver).
    static func audit(_ action: AuditAction, archive: URL, details: [String: String], on db: any Database) async throws {
        let record = AuditRecord(tenantID: nil, actor: .system, action: action, targetType: "backup",
                                 targetID: archive.lastPathComponent, details: details)
        var attempt = 0
        while true {
            do {
                try await AuditLog().append(record, origin: .none, on: db)
                return
            } catch {
                attempt += 1
                guard attempt < 100 else { throw error }
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }
}
