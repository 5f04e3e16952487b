import Fluent
import Logging
import SQLKit
import Synchronization
import Vapor

/// Brings the database up to date as `app.autoMigrate()` does, but reports progress (done of
/// total) instead of two log lines per migration: on a first start those ~90 lines buried the one
/// that matters. Fluent's per-migration lines are kept at `debug`; failures stay errors.
enum DatabaseMigration {
    struct Outcome: Sendable, Equatable {
        /// Migrations applied by this run (0: the database was up to date).
        let applied: Int
        /// None had been applied before: a new database.
        let newDatabase: Bool
        let duration: Duration
    }

    static func run(_ app: Application, progress: @escaping @Sendable (_ done: Int, _ total: Int) -> Void) async throws -> Outcome {
        let started = ContinuousClock.now
        let counter = Counter()
        let base = app.logger
        let logger = Logger(label: base.label) { _ in MigrationLogHandler(base: base.handler) }
        let migrator = Migrator(databases: app.databases, migrations: app.migrations, logger: logger,
                                on: app.eventLoopGroup.any(), migrationLogLevel: .info)
        // Only when the migration log is missing: Fluent creates it `IF NOT EXISTS`, which on
        // PostgreSQL 15+ still needs CREATE on the schema, and a replica connected as the
        // application's role (compose, the local cluster) has none. It reads the log, finds
        // nothing pending and starts; the owner's `migrate` created the log.
        if try await !MigrationLogTable.exists(on: app.db) {
            try await migrator.setupIfNeeded().get()
        }
        let pending = try await migrator.previewPrepareBatch().get().count
        guard pending > 0 else { return Outcome(applied: 0, newDatabase: false, duration: started.duration(to: .now)) }
        let before = try await MigrationLog.query(on: app.db).count()
        counter.state.withLock { $0.total = pending }
        progress(0, pending)
        // Each CareFlow migration reports itself once applied (`ReportingMigration`).
        try await app.migrationProgress.listening({
            let (done, total) = counter.state.withLock { state in
                state.done += 1
                return (state.done, state.total)
            }
            progress(done, total)
        }) {
            try await migrator.prepareBatch().get()
        }
        return Outcome(applied: pending, newDatabase: before == 0, duration: started.duration(to: .now))
    }

    private final class Counter: Sendable {
        let state = Mutex<(done: Int, total: Int)>((0, 0))
    }
}

/// Fluent's migration log, `_fluent_migrations`, in the schema the connection works in.
enum MigrationLogTable {
    static func exists(on db: any Database) async throws -> Bool {
        guard let sql = db as? any SQLDatabase else { return false }
        let query: SQLQueryString = sql.dialect.name == "postgresql"
            ? "SELECT to_regclass('_fluent_migrations') IS NOT NULL AS present"
            : "SELECT count(*) > 0 AS present FROM sqlite_master WHERE type = 'table' AND name = '_fluent_migrations'"
        return try await sql.raw(query).first()?.decode(column: "present", as: Bool.self) ?? false
    }
}

/// The migrator's logger: passes everything on to the process's handler, the migrator's own
/// per-migration lines demoted to `debug` (progress is reported by `ReportingMigration`).
struct MigrationLogHandler: LogHandler {
    var base: any LogHandler

    init(base: any LogHandler) {
        self.base = base
    }

    var logLevel: Logger.Level {
        get { base.logLevel }
        set { base.logLevel = newValue }
    }

    var metadata: Logger.Metadata {
        get { base.metadata }
        set { base.metadata = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { base[metadataKey: key] }
        set { base[metadataKey: key] = newValue }
    }

    func log(event: LogEvent) {
        var event = event
        if event.level < .warning, event.message.description.hasPrefix("[Migrator] ") {
            event.level = .debug
        }
        guard event.level >= base.logLevel else { return }
        base.log(event: event)
    }
}
