@testable import CareFlowAPI
@testable import CareFlowCore
import Fluent
import Foundation
import SQLKit
import Testing

/// A change and its audit event commit together or not at all (PRODUCT §12: every write is an
/// audit event). Appended after the change's own commit, a failed append — a full disk, a
/// restart, a crash in between — left the change in place and the trail without it. Here the
/// database refuses every audit insert (a trigger), and each write must fail with nothing kept.
@Suite("Writes and their audit events, without HTTP")
struct AuditedWriteTests {
    /// Both tables an event is inserted into: staged with its change, then linked into its chain.
    static let auditTables = ["audit_staged_events", "audit_events"]

    static func refuseAuditEvents(_ db: any Database, tables: [String] = auditTables) async throws {
        let sql = try #require(db as? any SQLDatabase)
        if sql.dialect.name == "postgresql" {
            try await sql.raw("""
                CREATE OR REPLACE FUNCTION refuse_audit_events() RETURNS trigger LANGUAGE plpgsql
                AS $$ BEGIN RAISE EXCEPTION 'audit trail unavailable (test)'; END $$
                """).run()
        }
        for table in tables {
            if sql.dialect.name == "postgresql" {
                try await sql.raw("CREATE TRIGGER refuse_audit_events BEFORE INSERT ON \(ident: table) FOR EACH ROW EXECUTE FUNCTION refuse_audit_events()").run()
            } else {
                try await sql.raw("""
                    CREATE TRIGGER refuse_\(unsafeRaw: table) BEFORE INSERT ON \(ident: table)
                    BEGIN SELECT RAISE(ABORT, 'audit trail unavailable (test)'); END
                    """).run()
            }
        }
    }

    static func allowAuditEvents(_ db: any Database, tables: [String] = auditTables) async throws {
        let sql = try #require(db as? any SQLDatabase)
        for table in tables {
            if sql.dialect.name == "postgresql" {
                try await sql.raw("DROP TRIGGER refuse_audit_events ON \(ident: table)").run()
            } else {
                try await sql.raw("DROP TRIGGER refuse_\(unsafeRaw: table)").run()
            }
        }
    }

    @Test("a new patient, a change, a deletion, a new facility and a new tenant are not kept when their audit events cannot be written",
          arguments: TestBackend.enabled)
    func refusedEventKeepsNothing(backend: TestBackend) async throws {
        try await ServiceTestBed.with(backend) { bed in
            let (tenant, facility) = try await bed.tenant("audited-writes")
            let tenantID = try tenant.requireID()
            let facilityID = try facility.requireID()
            let context = RequestContext(scope: bed.scope(tenantID), principal: .system(tenantID: tenantID), origin: .none)
            let patients = bed.services.patients
            let patientID = try await patients.register(
                PatientInput(givenName: "Aline", familyName: "Uwase", birthDate: "1988-04-12", sex: .female, homeFacilityID: facilityID),
                in: context).patient.requireID()
            let events = try await AuditEvent.query(on: bed.db).count()

            try await Self.refuseAuditEvents(bed.ownerDB)
            await #expect(throws: (any Error).self) {
                try await patients.register(PatientInput(givenName: "Jean", familyName: "Habimana", sex: .male), in: context)
            }
            var rename = PatientChanges()
            rename.familyName = "Mukamana"
            await #expect(throws: (any Error).self) { try await patients.update(patientID, rename, in: context) }
            await #expect(throws: (any Error).self) { try await patients.delete(patientID, in: context) }
            await #expect(throws: (any Error).self) {
                try await bed.services.facilities.create(code: "audited-f2", name: "Facility Two", timezone: "Africa/Kigali", in: context)
            }
            await #expect(throws: (any Error).self) {
                try await bed.services.onboarding.onboard(slug: "audited-writes-2", name: "Second", adminEmail: "group-admin@audited-writes-2.test",
                                                          adminPassword: testPassword, actor: .system, origin: .none)
            }
            try await Self.allowAuditEvents(bed.ownerDB)
            #expect(try await Tenant.query(on: bed.db).filter(\.$slug == "audited-writes-2").count() == 0)

            #expect(try await AuditEvent.query(on: bed.db).count() == events)
            let rows = try await Patient.query(on: bed.db).filter(\.$tenantID == tenantID).all()
            #expect(rows.count == 1)
            #expect(rows.first?.deletedAt == nil)
            #expect(try await patients.read(patientID, in: context).familyName == "Uwase")
            #expect(try await Facility.query(on: bed.db).filter(\.$code == "audited-f2").count() == 0)

            // With the trail back, the same writes go through, each with its event.
            _ = try await patients.update(patientID, rename, in: context)
            #expect(try await patients.read(patientID, in: context).familyName == "Mukamana")
            let updates = try await AuditEvent.query(on: bed.db)
                .filter(\.$action == "patient.update").filter(\.$targetID == patientID.lowercasedString).count()
            #expect(updates == 1)
        }
    }
}

extension AuditedWriteTests {
    @Test("a login and a logout are not kept when their audit events cannot be written", arguments: TestBackend.enabled)
    func refusedSessionEventsKeepNothing(backend: TestBackend) async throws {
        try await ServiceTestBed.with(backend) { bed in
            _ = try await bed.tenant("audited-logins")
            let auth = bed.services.auth, db = bed.db
            let login = { try await auth.login(tenantSlug: "audited-logins", email: "group-admin@audited-logins.test",
                                               password: testPassword, origin: .none) }
            let live = { try await AuthSession.query(on: db).filter(\.$revokedAt == nil).count() }
            let sessions = try await AuthSession.query(on: db).count()

            try await Self.refuseAuditEvents(bed.ownerDB)
            await #expect(throws: (any Error).self) { _ = try await login() }
            try await Self.allowAuditEvents(bed.ownerDB)
            #expect(try await AuthSession.query(on: db).count() == sessions, "a session without its login event is not kept")

            guard case .tokens(let pair) = try await login() else {
                Issue.record("the group admin's first login should answer tokens (for enrolment)")
                return
            }
            #expect(try await live() == sessions + 1)
            try await Self.refuseAuditEvents(bed.ownerDB)
            await #expect(throws: (any Error).self) { try await auth.logout(refreshToken: pair.refreshToken, origin: .none) }
            try await Self.allowAuditEvents(bed.ownerDB)
            #expect(try await live() == sessions + 1, "a logout without its event is not kept: the session stays live")

            try await auth.logout(refreshToken: pair.refreshToken, origin: .none)
            #expect(try await live() == sessions)
            #expect(try await AuditEvent.query(on: db).filter(\.$action == "auth.login").filter(\.$outcome == "success").count() == 1)
            #expect(try await AuditEvent.query(on: db).filter(\.$action == "auth.logout").count() == 1)
        }
    }
}

/// The in-process SQLite write queue is per database: in the test process, apps on files of
/// their own must not queue behind each other's writes.
@Suite("SQLite write queue key")
struct SQLiteWriteQueueKeyTests {
    @Test("the key names the database file and is the same on every access")
    func keyNamesTheFile() async throws {
        try await ServiceTestBed.with(.sqlite) { bed in
            let key = String(describing: bed.db.context.configuration)
            #expect(key == String(describing: bed.db.context.configuration))
            #expect(key.contains(bed.services.configuration.dataDirectory), "\(key)")
        }
    }
}
