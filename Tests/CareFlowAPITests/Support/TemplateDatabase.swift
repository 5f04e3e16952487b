@testable import CareFlowAPI
import Fluent
import Foundation
import SQLKit
import Synchronization
import Vapor

/// Each test used to run every migration on a fresh database: some 30 schema changes, each its
/// own commit, about 0.1 s of CPU but 2–4 s of waiting on disk syncs when tests run in parallel.
/// On SQLite each test process now migrates one template file, once, and every test starts from
/// its own copy of it. Nothing writes to the template after it is migrated, so tests still share
/// no state.
///
/// The migrations need no tenant's keys on empty tables, so the template suits any test's data
/// folder (each test still generates its own keys).
///
/// PostgreSQL keeps a schema per test, migrated: cloning a database per test
/// (`CREATE DATABASE … TEMPLATE`) was measured slower, as each `DROP DATABASE` forces a
/// checkpoint (with a dozen tests in parallel, 43–46 s per drop against 3.5–4.3 s per migration).
enum TemplateDatabase {
    /// Copies the migrated SQLite template to `path` (a file that does not exist yet).
    static func copySQLite(to path: String) async throws {
        try FileManager.default.copyItem(atPath: try await sqliteTemplate.value, toPath: path)
    }

    /// `CAREFLOW_TEST_MIGRATE_EACH=1`: every SQLite test migrates a fresh database, as before
    /// templates, to measure the difference on the same build and the same machine load.
    static var migrateEachTest: Bool { ProcessInfo.processInfo.environment["CAREFLOW_TEST_MIGRATE_EACH"] == "1" }

    /// Migration runs of this process so far: one per template (before templates, one per test).
    static var migrationRuns: Int { state.withLock { $0.migrationRuns } }

    /// The app's own migrations, as every test ran them before templates; PostgreSQL tests still do.
    static func migrate(_ app: Application) async throws {
        _ = exitHandler
        try await app.autoMigrate()
        state.withLock { $0.migrationRuns += 1 }
    }

    /// One test app ready (database copied or migrated, `configure` done) after `seconds`.
    static func recordBoot(seconds: TimeInterval) {
        _ = exitHandler
        state.withLock {
            $0.boots += 1
            $0.bootSeconds += seconds
        }
    }

    // Started by the first test that needs it; tests running in parallel await the same task.
    private static let sqliteTemplate = Task { try await migrateSQLiteTemplate() }

    private static func migrateSQLiteTemplate() async throws -> String {
        let (dir, tenants) = try makeTestDataDirectory(prefix: "careflow-template")
        removeAtExit(directory: dir)
        let path = (dir as NSString).appendingPathComponent("template.sqlite")
        let app = try await Application.make(.testing)
        do {
            try await configure(app, configuration: testConfiguration(dataDirectory: dir, tenantsDirectory: tenants,
                                                                      database: .sqlite(path: path)))
            try await migrate(app)
            // Everything from the write-ahead log into the main file, so that copying the one
            // file copies the whole database.
            try await (app.db as! any SQLDatabase).raw("PRAGMA wal_checkpoint(TRUNCATE)").run()
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
        // Closing the last connection removes an empty log; a log left with pages in it would
        // mean the copies miss them.
        if let size = try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int, size > 0 {
            throw TemplateError(reason: "the SQLite template kept a write-ahead log of \(size) bytes")
        }
        return path
    }

    struct TemplateError: Error, CustomStringConvertible {
        let reason: String
        var description: String { reason }
    }

    // MARK: clean-up when the test process exits

    private struct State {
        var directories: [String] = []
        var migrationRuns = 0
        var boots = 0
        var bootSeconds: TimeInterval = 0
    }

    private static let state = Mutex(State())
    private static let exitHandler: Void = { atexit { TemplateDatabase.cleanUpAtExit() } }()

    private static func removeAtExit(directory: String) {
        _ = exitHandler
        state.withLock { $0.directories.append(directory) }
    }

    private static func cleanUpAtExit() {
        let final = state.withLock { $0 }
        for directory in final.directories { try? FileManager.default.removeItem(atPath: directory) }
        // `CAREFLOW_TEST_BOOT_REPORT=1`: what booting cost this run, a figure that does not
        // depend on how busy the machine is (migration runs) beside one that does.
        if ProcessInfo.processInfo.environment["CAREFLOW_TEST_BOOT_REPORT"] == "1", final.boots > 0 {
            let line = "careflow test boots: \(final.boots) apps, \(final.migrationRuns) migration runs, "
                + String(format: "%.1f s summed boot time\n", final.bootSeconds)
            FileHandle.standardError.write(Data(line.utf8))
        }
    }
}
