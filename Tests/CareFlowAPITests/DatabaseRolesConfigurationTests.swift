@testable import CareFlowAPI
import CareFlowCore
import Fluent
import Prometheus
import Testing
import Vapor

/// Two PostgreSQL roles (README, "Row-level security"): `DATABASE_URL` for the application,
/// `DATABASE_MIGRATION_URL` for the tables' owner.
@Suite("Database roles configuration")
struct DatabaseRolesConfigurationTests {
    @Test("DATABASE_MIGRATION_URL is the owner's URL beside DATABASE_URL, and means nothing without it")
    func migrationURL() {
        let app = "postgres://careflow_app:a@db:5432/careflow"
        let owner = "postgres://careflow:o@db:5432/careflow"
        let both = AppConfiguration.fromEnvironment(["DATABASE_URL": app, "DATABASE_MIGRATION_URL": owner])
        #expect(both.database == .postgres(url: app, searchPath: nil))
        #expect(both.databaseMigrationURL == owner)
        #expect(AppConfiguration.fromEnvironment(["DATABASE_URL": app]).databaseMigrationURL == nil)
        #expect(AppConfiguration.fromEnvironment(["DATABASE_URL": app, "DATABASE_MIGRATION_URL": ""]).databaseMigrationURL == nil)
        // Embedded SQLite has one file and no roles: the owner's URL is ignored, never connected to.
        let embedded = AppConfiguration.fromEnvironment(["DATABASE_MIGRATION_URL": owner])
        #expect(embedded.isEmbedded)
        #expect(embedded.databaseMigrationURL == nil)
    }

    /// Compose's replicas get only `DATABASE_URL` (the `migrate` service alone gets the owner's):
    /// they failed to start on PostgreSQL 15+, the start-up check creating Fluent's migration log
    /// `IF NOT EXISTS`, which still needs CREATE on the schema.
    @Test("a replica connected only as the application's role starts on a migrated database")
    func applicationRoleAlone() async throws {
        guard TestBackend.enabled.contains(.postgres) else { return }
        try await withCareFlow(.postgres) { app in
            let tenantID = try await Fixtures.tenant(app, slug: "app-role").id
            var config = app.services.configuration
            #expect(config.databaseMigrationURL != nil, "the suite migrates as the owner")
            config.databaseMigrationURL = nil
            let replica = try await Application.make(.testing)
            do {
                try await configure(replica, configuration: config, metrics: PrometheusCollectorRegistry())
                let outcome = try await DatabaseMigration.run(replica) { _, _ in }
                #expect(outcome.applied == 0)
                // It serves: rows written before are there for it.
                #expect(try await Tenant.find(tenantID, on: replica.db)?.slug == "app-role")
            } catch {
                try? await replica.asyncShutdown()
                throw error
            }
            try await replica.asyncShutdown()
        }
    }
}
