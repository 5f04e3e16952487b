import CareFlowCore
import Fluent
import Vapor

/// What `careflow serve` does before it listens: on the embedded database, migrate; on any
/// database, onboard tenant files that have no tenant yet.
public enum ServeBootstrap {
    /// Migrates the embedded SQLite database (PostgreSQL is migrated by `careflow migrate`).
    public static func migrateEmbedded(_ app: Application) async throws {
        if app.services.configuration.isEmbedded { try await app.autoMigrate() }
    }

    public static func prepare(_ app: Application) async throws {
        if app.services.configuration.inProcessWorker { app.lifecycle.use(OutboxWorkerLifecycle()) }
        app.lifecycle.use(TenantReloadOnHangup())
        app.lifecycle.use(WebhookRejectionSummaries())
        if app.services.configuration.isEmbedded {
            try await app.autoMigrate()
        }
        if let path = try await TenantSynchronizer(app: app).run() {
            app.logger.notice("demo accounts created; their one-time passwords are in \(path)")
            print("CareFlow demo accounts were created. Their one-time passwords are in: \(path)")
        }
    }
}
