@testable import CareFlowAPI
import Testing

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
}
