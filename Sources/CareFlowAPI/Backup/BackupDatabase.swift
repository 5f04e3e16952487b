import CareFlowCore
import Fluent
import FluentPostgresDriver
import Vapor

/// The PostgreSQL connection of the backup commands (which run without `configure`); SQLite is
/// reached through its own API, so nothing here opens or creates the file.
enum BackupDatabase {
    static func open(_ app: Application, config: AppConfiguration) throws -> (any Database)? {
        guard case .postgres(let url, let searchPath) = config.database else { return nil }
        var postgres = try SQLPostgresConfiguration(url: url)
        if let searchPath { postgres.searchPath = [searchPath] }
        app.databases.use(.postgres(configuration: postgres, maxConnectionsPerEventLoop: 2), as: .psql)
        return app.db
    }
}
