import Fluent
import Synchronization
import Vapor

/// A migration that tells `MigrationProgress` when it has been applied. Every CareFlow migration
/// is registered through it (`Migrations.addReporting`), so the first start's progress line
/// counts migrations as they finish instead of reading Fluent's log text. The name is the
/// wrapped migration's, so `_fluent_migrations` records exactly what it did before.
struct ReportingMigration: AsyncMigration {
    let inner: any Migration
    let progress: MigrationProgress

    var name: String { inner.name }

    func prepare(on database: any Database) async throws {
        try await inner.prepare(on: database).get()
        progress.prepared()
    }

    func revert(on database: any Database) async throws {
        try await inner.revert(on: database).get()
    }
}

/// Where applied migrations are reported while `DatabaseMigration.run` listens; one per application.
final class MigrationProgress: Sendable {
    private let listener = Mutex<(@Sendable () -> Void)?>(nil)

    func prepared() {
        listener.withLock { $0 }?()
    }

    /// Calls `onPrepared` for each migration applied while `body` runs.
    func listening<T>(_ onPrepared: @escaping @Sendable () -> Void, _ body: () async throws -> T) async rethrows -> T {
        listener.withLock { $0 = onPrepared }
        defer { listener.withLock { $0 = nil } }
        return try await body()
    }
}

extension Application {
    private struct MigrationProgressKey: StorageKey {
        typealias Value = MigrationProgress
    }

    var migrationProgress: MigrationProgress {
        if let existing = storage[MigrationProgressKey.self] { return existing }
        let created = MigrationProgress()
        storage[MigrationProgressKey.self] = created
        return created
    }
}

extension Migrations {
    /// Registers `migrations`, each reporting to `progress` when applied.
    func addReporting(_ migrations: [any Migration], to id: DatabaseID?, progress: MigrationProgress) {
        add(migrations.map { ReportingMigration(inner: $0, progress: progress) }, to: id)
    }
}
