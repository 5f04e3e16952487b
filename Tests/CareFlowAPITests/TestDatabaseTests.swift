@testable import CareFlowAPI
import CareFlowCore
import Fluent
import SQLKit
import Testing

/// The test harness's own promise (`withCareFlow`, `TemplateDatabase`): every test starts from a
/// fully migrated, empty database that no other test writes to.
@Suite("Test databases")
struct TestDatabaseTests {
    @Test("a test's database has every migration recorded and no rows", arguments: TestBackend.enabled)
    func migratedAndEmpty(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let sql = try #require(app.db as? any SQLDatabase)
            let recorded = try await sql.raw("SELECT name FROM _fluent_migrations").all().map { try $0.decode(column: "name", as: String.self) }
            let keyring = Keyring(master: try MasterKeys(keys: [FernetKey.generate()]))
            var expected = Set((CareFlowMigrations.all + CareFlowMigrations.sealing(keyring: keyring) + CareFlowMigrations.isolation).map(\.name))
            // The test apps connect as the application role and migrate as the owner (row-level security).
            if backend == .postgres { expected.formUnion(CareFlowMigrations.applicationAccess(role: "careflow_app").map(\.name)) }
            #expect(Set(recorded) == expected)
            #expect(try await Tenant.query(on: app.db).count() == 0)
            #expect(try await AuditEvent.query(on: app.db).count() == 0)
        }
    }

    @Test("what one test writes, a test running beside it does not see", arguments: TestBackend.enabled)
    func isolated(backend: TestBackend) async throws {
        try await ServiceTestBed.with(backend) { first in
            _ = try await first.tenant("beside-one")
            try await ServiceTestBed.with(backend) { second in
                #expect(try await Tenant.query(on: second.db).count() == 0)
                _ = try await second.tenant("beside-two")
                #expect(try await Tenant.query(on: second.db).all().map(\.slug) == ["beside-two"])
            }
            #expect(try await Tenant.query(on: first.db).all().map(\.slug) == ["beside-one"])
        }
    }
}
