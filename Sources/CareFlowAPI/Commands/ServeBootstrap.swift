import CareFlowCore
import Fluent
import Vapor

/// What `careflow serve` does before it listens: on the embedded database, migrate; on any
/// database, onboard tenant files that have no tenant yet; then, once listening, announce itself.
public enum ServeBootstrap {
    /// Migrates the embedded SQLite database (PostgreSQL is migrated by `careflow migrate`); one
    /// `database.migrated` event, no progress: a command's standard output is its result.
    public static func migrateEmbedded(_ app: Application) async throws {
        guard app.services.configuration.isEmbedded else { return }
        let announcer = StartupAnnouncer.quiet(logger: app.logger)
        announcer.migrationFinished(try await DatabaseMigration.run(app, progress: { _, _ in }))
    }

    public static func prepare(_ app: Application, announcer: StartupAnnouncer? = nil) async throws {
        let announcer = announcer ?? .quiet(logger: app.logger)
        if app.services.configuration.inProcessWorker { app.lifecycle.use(OutboxWorkerLifecycle()) }
        app.lifecycle.use(TenantReloadOnHangup())
        app.lifecycle.use(WebhookRejectionSummaries())
        app.lifecycle.use(StagedAuditLinker())
        var newDatabase = false
        if app.services.configuration.isEmbedded {
            let outcome = try await DatabaseMigration.run(app) { done, total in
                announcer.migrationProgress(done: done, of: total)
            }
            announcer.migrationFinished(outcome)
            newDatabase = outcome.newDatabase
        }
        // Audit events a stopped process committed with their changes but had not linked yet.
        let chains = try await app.services.audit.linkAllStaged(on: app.db)
        if chains > 0 { app.logger.notice("linked the staged audit events of \(chains) chains left by an earlier run") }
        let credentials = try await TenantSynchronizer(app: app).run()
        if let credentials {
            app.logger.notice("demo accounts created; their one-time passwords are in \(credentials)")
        }
        let firstStart = newDatabase || credentials != nil
        // On later starts the file is still worth pointing at until the operator deletes it.
        let existing = TenantSynchronizer.credentialsPath(dataDirectory: app.services.configuration.dataDirectory)
        let demoAccountsFile = credentials ?? (FileManager.default.fileExists(atPath: existing) ? existing : nil)
        app.servers.use { app in
            AnnouncingServer(base: app.http.server.shared) { url in
                announcer.serverStarted(StartupBanner(url: url, demoAccountsFile: demoAccountsFile, firstStart: firstStart))
            }
        }
    }
}
