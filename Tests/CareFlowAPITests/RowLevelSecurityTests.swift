@testable import CareFlowAPI
import CareFlowCore
import Fluent
import Foundation
import SQLKit
import Testing
import VaporTesting

/// Issue 16, the second isolation wall: on PostgreSQL the database itself hides and protects
/// other tenants' rows inside a tenant's transaction, whatever the query forgot to filter.
@Suite("Row-level security (PostgreSQL)", .enabled(if: TestBackend.postgresURL != nil, "needs CAREFLOW_TEST_DATABASE_URL"))
struct RowLevelSecurityTests {
    /// Tables that hold tenants' data by the contract (PRODUCT.md): the catalogue query must find
    /// at least these, so a broken query cannot pass the policy check by finding nothing.
    static let knownTenantTables = ["appointments", "audit_events", "documents", "facilities", "invoices", "medical_records",
                                    "outbox_messages", "patients", "role_assignments", "users", "visit_notes"]

    struct TableSecurity: Decodable {
        let name: String
        let enabled: Bool
        let forced: Bool
        let policies: Int
    }

    @Test("every table with a tenant_id column has row-level security enabled, forced, and a tenant policy")
    func everyTenantTableHasAPolicy() async throws {
        try await withCareFlow(.postgres) { app in
            let owner = try #require(ownerDatabase(app) as? any SQLDatabase)
            let tables = try await owner.raw("""
                SELECT c.table_name AS name, cl.relrowsecurity AS enabled, cl.relforcerowsecurity AS forced,
                       (SELECT count(*)::int FROM pg_policies p
                        WHERE p.schemaname = c.table_schema AND p.tablename = c.table_name AND p.cmd = 'ALL'
                          AND p.qual LIKE '%careflow.tenant_id%' AND p.with_check LIKE '%careflow.tenant_id%') AS policies
                FROM information_schema.columns c
                JOIN pg_namespace n ON n.nspname = c.table_schema
                JOIN pg_class cl ON cl.relnamespace = n.oid AND cl.relname = c.table_name AND cl.relkind IN ('r', 'p')
                WHERE c.table_schema = current_schema() AND c.column_name = 'tenant_id'
                ORDER BY c.table_name
                """).all(decoding: TableSecurity.self)
            let names = Set(tables.map(\.name))
            #expect(Set(Self.knownTenantTables).isSubset(of: names), "missing: \(Set(Self.knownTenantTables).subtracting(names))")
            for table in tables {
                #expect(table.enabled, "\(table.name): row-level security is not enabled")
                #expect(table.forced, "\(table.name): row-level security is not forced (the owner would bypass it)")
                #expect(table.policies == 1, "\(table.name): \(table.policies) tenant policies")
            }
        }
    }

    @Test("migration 048 rewrites a policy that reads the setting per row (a database migrated before it), and nothing else")
    func settingReadOncePerStatement() async throws {
        try await withCareFlow(.postgres) { app in
            let owner = try #require(ownerDatabase(app) as? any SQLDatabase)
            // Migrated from scratch: 046 wrote the new form, so 048 has nothing to do.
            #expect(try await EvaluateTenantSettingOnce.oldPolicies(owner).isEmpty)
            // A deployed database's policy from before the change, as 046 used to write it.
            let setting = "NULLIF(current_setting('\(TenantSessionSetting.name)', true), '')"
            try await owner.raw("DROP POLICY \(ident: EnableRowLevelSecurity.policy) ON patients").run()
            try await owner.raw("""
                CREATE POLICY \(ident: EnableRowLevelSecurity.policy) ON patients
                USING (\(unsafeRaw: setting) IS NULL OR tenant_id = \(unsafeRaw: setting)::uuid)
                WITH CHECK (\(unsafeRaw: setting) IS NULL OR tenant_id = \(unsafeRaw: setting)::uuid)
                """).run()
            #expect(try await EvaluateTenantSettingOnce.oldPolicies(owner).map(\.name) == ["patients"])
            try await EvaluateTenantSettingOnce().prepare(on: ownerDatabase(app))
            #expect(try await EvaluateTenantSettingOnce.oldPolicies(owner).isEmpty)
            struct Policy: Decodable { let qual: String; let with_check: String }
            let policy = try #require(try await owner.raw("""
                SELECT qual, with_check FROM pg_policies WHERE schemaname = current_schema() AND tablename = 'patients'
                """).first(decoding: Policy.self))
            #expect(policy.qual.contains("SELECT") && policy.with_check.contains("SELECT"), "\(policy)")
            #expect(policy.qual.contains(TenantSessionSetting.name))
        }
    }

    struct RoleFlags: Decodable {
        let role: String
        let rolsuper: Bool
        let rolbypassrls: Bool
        let owned: Int
    }

    @Test("the application connects as a role that is not superuser, cannot bypass RLS and owns no table")
    func applicationRole() async throws {
        try await withCareFlow(.postgres) { app in
            let sql = try #require(app.db as? any SQLDatabase)
            let flags = try #require(try await sql.raw("""
                SELECT r.rolname AS role, r.rolsuper, r.rolbypassrls,
                       (SELECT count(*)::int FROM pg_tables t WHERE t.schemaname = current_schema() AND t.tableowner = current_user) AS owned
                FROM pg_roles r WHERE r.rolname = current_user
                """).first(decoding: RoleFlags.self))
            #expect(!flags.rolsuper)
            #expect(!flags.rolbypassrls)
            #expect(flags.owned == 0)
            let owner = try #require(ownerDatabase(app) as? any SQLDatabase)
            let ownerFlags = try #require(try await owner.raw("""
                SELECT r.rolname AS role, r.rolsuper, r.rolbypassrls,
                       (SELECT count(*)::int FROM pg_tables t WHERE t.schemaname = current_schema() AND t.tableowner = current_user) AS owned
                FROM pg_roles r WHERE r.rolname = current_user
                """).first(decoding: RoleFlags.self))
            #expect(ownerFlags.role != flags.role)
            #expect(ownerFlags.owned > 0, "the migrations' role owns the tables")
            // The application role changes no schema: what an attacker with a SQL injection would try first.
            await #expect(throws: (any Error).self) {
                try await sql.raw("DROP TRIGGER audit_events_no_change ON audit_events").run()
            }
            await #expect(throws: (any Error).self) {
                try await sql.raw("ALTER TABLE patients NO FORCE ROW LEVEL SECURITY").run()
            }
        }
    }

    struct TenantRow: Decodable {
        let tenant_id: UUID?
    }

    struct Count: Decodable {
        let n: Int
    }

    @Test("a deliberately unscoped query inside a tenant transaction sees only that tenant's rows, in every tenant table")
    func unscopedReads() async throws {
        try await withCareFlow(.postgres) { app in
            let a = try await Fixtures.tenant(app, slug: "rls-a")
            let b = try await Fixtures.tenant(app, slug: "rls-b")
            _ = try await Fixtures.patient(app, a, given: "Alice")
            _ = try await Fixtures.patient(app, a, given: "Ange")
            _ = try await Fixtures.patient(app, b, given: "Bosco")
            let owner = try #require(ownerDatabase(app) as? any SQLDatabase)
            let tables = try await owner.raw("""
                SELECT table_name AS name FROM information_schema.columns
                WHERE table_schema = current_schema() AND column_name = 'tenant_id' ORDER BY table_name
                """).all(decoding: TableName.self).map(\.name)
            #expect(tables.count >= Self.knownTenantTables.count)

            // Outside a tenant transaction (platform work) nothing is hidden: 2 + 1 patients.
            let sql = try #require(app.db as? any SQLDatabase)
            #expect(try await sql.raw("SELECT count(*)::int AS n FROM patients").first(decoding: Count.self)?.n == 3)

            for (tenant, patients) in [(a.id, 2), (b.id, 1)] {
                try await TenantScope(tenantID: tenant, db: app.db).transaction { scope in
                    let sql = try #require(scope.db as? any SQLDatabase)
                    // No tenant filter anywhere in these queries.
                    #expect(try await sql.raw("SELECT count(*)::int AS n FROM patients").first(decoding: Count.self)?.n == patients)
                    #expect(try await Patient.query(on: scope.db).count() == patients)
                    for table in tables {
                        let rows = try await sql.raw("SELECT DISTINCT tenant_id FROM \(ident: table)").all(decoding: TenantRow.self)
                        #expect(rows.allSatisfy { $0.tenant_id == tenant }, "\(table) shows another tenant's rows")
                    }
                    // Both tenants have users and audit events; each sees its own.
                    #expect(try await sql.raw("SELECT DISTINCT tenant_id FROM users").all(decoding: TenantRow.self).map(\.tenant_id) == [tenant])
                    #expect(try await sql.raw("SELECT DISTINCT tenant_id FROM audit_events").all(decoding: TenantRow.self).map(\.tenant_id) == [tenant])
                }
            }
        }
    }

    struct TableName: Decodable {
        let name: String
    }

    struct IDRow: Decodable {
        let id: UUID
    }

    @Test("inside a tenant transaction another tenant's rows can be neither written nor reached")
    func crossTenantWritesRefused() async throws {
        try await withCareFlow(.postgres) { app in
            let a = try await Fixtures.tenant(app, slug: "rlsw-a")
            let b = try await Fixtures.tenant(app, slug: "rlsw-b")
            let ownPatient = try await Fixtures.patient(app, a, given: "Alice")
            let otherPatient = try await Fixtures.patient(app, b, given: "Bosco")
            let scope = TenantScope(tenantID: a.id, db: app.db)

            // Moving own rows to another tenant: WITH CHECK refuses.
            let moved = await #expect(throws: (any Error).self) {
                try await scope.transaction { scope in
                    try await (scope.db as! any SQLDatabase).raw("UPDATE patients SET tenant_id = \(bind: b.id) WHERE id = \(bind: ownPatient)").run()
                }
            }
            #expect(String(reflecting: moved).contains("row-level security"), "\(String(reflecting: moved))")

            // Inserting a row that carries another tenant's id, past `TenantScope.create`.
            let inserted = await #expect(throws: (any Error).self) {
                try await scope.transaction { scope in
                    try await Facility(tenantID: b.id, code: "rlsw-intruder", name: "Intruder", timezone: "Africa/Kigali").create(on: scope.db)
                }
            }
            #expect(String(reflecting: inserted).contains("row-level security"), "\(String(reflecting: inserted))")

            // Updating or deleting another tenant's row by its id reaches nothing.
            try await scope.transaction { scope in
                let sql = scope.db as! any SQLDatabase
                let updated = try await sql.raw("UPDATE patients SET tenant_id = tenant_id WHERE id = \(bind: otherPatient) RETURNING id")
                    .all(decoding: IDRow.self)
                #expect(updated.isEmpty)
                let deleted = try await sql.raw("DELETE FROM facilities WHERE id = \(bind: b.f2.id!) RETURNING id").all(decoding: IDRow.self)
                #expect(deleted.isEmpty)
                // Unfiltered, the update touches this tenant's patient only.
                let touched = try await sql.raw("UPDATE patients SET tenant_id = tenant_id RETURNING id").all(decoding: IDRow.self)
                #expect(touched.map(\.id) == [ownPatient])
            }

            // Nothing of tenant B changed.
            let sql = try #require(app.db as? any SQLDatabase)
            let bPatients = try await sql.raw("SELECT id FROM patients WHERE tenant_id = \(bind: b.id)").all(decoding: IDRow.self)
            #expect(bPatients.map(\.id) == [otherPatient])
            let bFacilities = try await sql.raw("SELECT count(*)::int AS n FROM facilities WHERE tenant_id = \(bind: b.id)").first(decoding: Count.self)
            #expect(bFacilities?.n == 2)
            #expect(try await Facility.query(on: app.db).filter(\.$code == "rlsw-intruder").count() == 0)
        }
    }
}
