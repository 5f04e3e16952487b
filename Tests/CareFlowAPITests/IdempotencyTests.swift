@testable import CareFlowAPI
import CareFlowCore
import Fluent
import Foundation
import SQLKit
import Testing
import VaporTesting

@Suite("Idempotency-Key on creating POSTs")
struct IdempotencyTests {
    @Test("a retry replays the first answer without a second effect; another body is refused", arguments: TestBackend.enabled)
    func replay(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "idem")
            let body = jsonBody(["given_name": "Aline", "family_name": "Uwase", "sex": "female"])
            let key = [("Idempotency-Key", "visit-2026-11-25-0001")]
            let first = try await app.send(.POST, "/api/v1/patients", token: t[.receptionist].token, json: body, headers: key)
            #expect(first.status == .created)
            let again = try await app.send(.POST, "/api/v1/patients", token: t[.receptionist].token, json: body, headers: key)
            #expect(again.status == .created)
            #expect(again.headers.first(name: "Idempotent-Replayed") == "true")
            #expect(again.json["id"] as? String == first.json["id"] as? String)
            #expect(try await TenantScope(tenantID: t.id, db: app.db).query(Patient.self).count() == 1)

            let other = try await app.send(.POST, "/api/v1/patients", token: t[.receptionist].token,
                                           json: jsonBody(["given_name": "Eric", "family_name": "Uwase", "sex": "male"]), headers: key)
            #expect(other.status == .unprocessableEntity)
            #expect(other.isProblem)
            // Keys are per caller: the same key from someone else is a new request.
            let billing = try await app.send(.POST, "/api/v1/patients", token: t[.facilityAdmin].token, json: body, headers: key)
            #expect(billing.status == .created)
            #expect(billing.json["id"] as? String != first.json["id"] as? String)
            // Without a key every POST creates.
            _ = try await app.send(.POST, "/api/v1/patients", token: t[.receptionist].token, json: body)
            #expect(try await TenantScope(tenantID: t.id, db: app.db).query(Patient.self).count() == 3)
            // A refused request has no effect and leaves no record: a retry is judged afresh.
            let badKey = [("Idempotency-Key", "bad-1")]
            let bad = try await app.send(.POST, "/api/v1/patients", token: t[.receptionist].token, json: "{}", headers: badKey)
            #expect(bad.status == .unprocessableEntity)
            let badAgain = try await app.send(.POST, "/api/v1/patients", token: t[.receptionist].token, json: "{}", headers: badKey)
            #expect(badAgain.status == .unprocessableEntity)
            let junk = try await app.send(.POST, "/api/v1/patients", token: t[.receptionist].token, json: body,
                                          headers: [("Idempotency-Key", String(repeating: "x", count: 300))])
            #expect(junk.status == .unprocessableEntity)
        }
    }

    /// Every text or byte column of the stored records, as text.
    static func storedText(_ app: Application) async throws -> [String] {
        var values: [String] = []
        for row in try await (app.db as! any SQLDatabase).raw("SELECT * FROM idempotency_records").all() {
            for column in row.allColumns {
                if let text = try? row.decode(column: column, as: String?.self) { values.append(text) }
                else if let bytes = try? row.decode(column: column, as: Data?.self) { values.append(String(decoding: bytes, as: UTF8.self)) }
            }
        }
        return values
    }

    @Test("the stored answer holds no PHI in clear, and still replays", arguments: TestBackend.enabled)
    func sealedAnswer(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "idem-sealed")
            let body = jsonBody(["given_name": "Claudine", "family_name": "Nyirabagenzi", "sex": "female", "national_id": "1198870012345678"])
            let key = [("Idempotency-Key", "sealed-0001")]
            let first = try await app.send(.POST, "/api/v1/patients", token: t[.receptionist].token, json: body, headers: key)
            #expect(first.status == .created)
            let stored = try await Self.storedText(app)
            #expect(!stored.isEmpty)
            for value in stored {
                for needle in ["Claudine", "Nyirabagenzi", "1198870012345678", first.json["mrn"] as? String ?? "MRN"] {
                    #expect(!value.contains(needle), "idempotency_records holds \(needle) in clear")
                }
            }
            let again = try await app.send(.POST, "/api/v1/patients", token: t[.receptionist].token, json: body, headers: key)
            #expect(again.headers.first(name: "Idempotent-Replayed") == "true")
            #expect(again.json["family_name"] as? String == "Nyirabagenzi")
            #expect(again.json["id"] as? String == first.json["id"] as? String)
        }
    }

    @Test("key rotation re-seals stored answers: a replay opens with the new key alone", arguments: TestBackend.enabled)
    func rotation(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "idem-rotate")
            let body = jsonBody(["given_name": "Aline", "family_name": "Uwase", "sex": "female"])
            let key = [("Idempotency-Key", "rotate-0001")]
            let first = try await app.send(.POST, "/api/v1/patients", token: t[.receptionist].token, json: body, headers: key)
            #expect(first.status == .created)
            let owner = WrappedKey.owner(for: t.id)
            _ = try await KeyRotationService(db: app.db, keyring: app.services.keyring, audit: app.services.audit).rotateDataKey(owner: owner)
            // Delete the retired key outright: whatever rotation missed no longer opens.
            try await WrappedKey.query(on: app.db).filter(\.$owner == owner).filter(\.$status == .retired).delete()
            await app.services.keyring.forget(owner: owner)
            let again = try await app.send(.POST, "/api/v1/patients", token: t[.receptionist].token, json: body, headers: key)
            #expect(again.status == .created, "\(again.text)")
            #expect(again.headers.first(name: "Idempotent-Replayed") == "true")
            #expect(again.json["id"] as? String == first.json["id"] as? String)
        }
    }

    /// Every stored answer wiped and dated `seconds` ago, as an attempt that died before storing
    /// it leaves its record; `unmark`: also before its effect committed.
    static func loseAnswers(_ sql: any SQLDatabase, since seconds: Double, unmark: Bool) async throws {
        try await sql.raw("""
            UPDATE idempotency_records SET response_status = NULL, response_type = NULL, response_sealed = NULL,
            created_at = \(bind: Date().addingTimeInterval(-seconds))
            """).run()
        if unmark { try await sql.raw("UPDATE idempotency_records SET effect_committed = \(bind: false)").run() }
    }

    @Test("an attempt that died pending blocks retries for two minutes, not until the record expires", arguments: TestBackend.enabled)
    func abandonedAttempt(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "idem-lease")
            let sql = app.db as! any SQLDatabase
            let body = jsonBody(["given_name": "Aline", "family_name": "Uwase", "sex": "female"])
            let key = [("Idempotency-Key", "lease-0001")]
            let token = t[.receptionist].token
            let first = try await app.send(.POST, "/api/v1/patients", token: token, json: body, headers: key)
            #expect(first.status == .created)
            // An attempt that died before its effect committed (its replica killed, the database
            // gone), so the record stays pending and unmarked. (Here the first attempt's answer is
            // wiped to stand for it.)
            func pending(since seconds: Double) async throws {
                try await Self.loseAnswers(sql, since: seconds, unmark: true)
            }
            try await pending(since: 30)
            // Thirty seconds on, the first attempt may still be running: a retry waits.
            let early = try await app.send(.POST, "/api/v1/patients", token: token, json: body, headers: key)
            #expect(early.status == .conflict)
            #expect(early.isProblem)
            // Five minutes on, no request can still be running: the retry runs.
            try await pending(since: 300)
            let other = try await app.send(.POST, "/api/v1/patients", token: token,
                                           json: jsonBody(["given_name": "Eric", "family_name": "Uwase", "sex": "male"]), headers: key)
            #expect(other.status == .unprocessableEntity, "another body under the key is still refused")
            let retry = try await app.send(.POST, "/api/v1/patients", token: token, json: body, headers: key)
            #expect(retry.status == .created)
            #expect(retry.headers.first(name: "Idempotent-Replayed") == nil)
            // From now on the retry's answer is the one replayed.
            let again = try await app.send(.POST, "/api/v1/patients", token: token, json: body, headers: key)
            #expect(again.headers.first(name: "Idempotent-Replayed") == "true")
            #expect(again.json["id"] as? String == retry.json["id"] as? String)
            #expect(try await IdempotencyRecord.query(on: app.db).count() == 1)
        }
    }

    @Test("an attempt that died after its effect committed is never run again, also past the two minutes",
          arguments: TestBackend.enabled)
    func diedAfterEffect(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "idem-effect")
            let sql = app.db as! any SQLDatabase
            let body = jsonBody(["given_name": "Aline", "family_name": "Uwase", "sex": "female"])
            let key = [("Idempotency-Key", "effect-0001")]
            let token = t[.receptionist].token
            let first = try await app.send(.POST, "/api/v1/patients", token: token, json: body, headers: key)
            #expect(first.status == .created)
            let marked = try await IdempotencyRecord.query(on: app.db).all()
            #expect(marked.map(\.effectCommitted) == [true], "the patient's transaction marks the claim")
            // The answer lost after the patient committed: the record pending, marked.
            for seconds in [30.0, 300, 3_600] {
                try await Self.loseAnswers(sql, since: seconds, unmark: false)
                let retry = try await app.send(.POST, "/api/v1/patients", token: token, json: body, headers: key)
                #expect(retry.status == .conflict, "\(seconds) s on")
                #expect(retry.isProblem)
                #expect((retry.json["detail"] as? String)?.contains("took effect") == true, "\(retry.json)")
            }
            #expect(try await TenantScope(tenantID: t.id, db: app.db).query(Patient.self).count() == 1)
        }
    }

    /// The patient and its audit event commit together (`TenantScope.audited`), so a refused
    /// event leaves no patient behind and the key's claim with it: the retry runs again. (An
    /// attempt whose answer is lost *after* its commit is `diedAfterEffect`.)
    @Test("a request whose audit event is refused keeps nothing, and its retry runs once the trail is back",
          arguments: TestBackend.enabled)
    func failureAfterCommit(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "idem-late-fail")
            // Triggers are the tables' owner's to make (on PostgreSQL the application role owns nothing).
            let sql = ownerDatabase(app) as! any SQLDatabase
            // The audit trail refuses patient.create events: the request fails on its audit event,
            // inside the patient's transaction (where it is staged on PostgreSQL, `AuditStagedEvent`,
            // and linked on SQLite).
            let tables = ["audit_staged_events", "audit_events"]
            if backend == .postgres {
                try await sql.raw("""
                    CREATE FUNCTION refuse_patient_audit() RETURNS trigger LANGUAGE plpgsql AS $$
                    BEGIN RAISE EXCEPTION 'audit refused by the test'; END $$
                    """).run()
            }
            for table in tables {
                if backend == .sqlite {
                    try await sql.raw("""
                        CREATE TRIGGER refuse_patient_audit_\(unsafeRaw: table) BEFORE INSERT ON \(ident: table)
                        WHEN NEW.action = 'patient.create' BEGIN SELECT RAISE(ABORT, 'audit refused by the test'); END
                        """).run()
                } else {
                    try await sql.raw("""
                        CREATE TRIGGER refuse_patient_audit_\(unsafeRaw: table) BEFORE INSERT ON \(ident: table)
                        FOR EACH ROW WHEN (NEW.action = 'patient.create') EXECUTE FUNCTION refuse_patient_audit()
                        """).run()
                }
            }
            let body = jsonBody(["given_name": "Aline", "family_name": "Uwase", "sex": "female"])
            let key = [("Idempotency-Key", "late-fail-0001")]
            let token = t[.receptionist].token
            let patients = { try await TenantScope(tenantID: t.id, db: app.db).query(Patient.self).count() }

            let first = try await app.send(.POST, "/api/v1/patients", token: token, json: body, headers: key)
            #expect(first.status.code >= 500, "\(first.status)")
            #expect(try await patients() == 0, "a patient without its audit event is not kept")
            // Retried with the same key while the audit still fails: it runs again, and fails again.
            let retry = try await app.send(.POST, "/api/v1/patients", token: token, json: body, headers: key)
            #expect(retry.status.code >= 500, "\(retry.status)")
            #expect(try await patients() == 0)
            for table in tables {
                try await sql.raw("DROP TRIGGER refuse_patient_audit_\(unsafeRaw: table)\(unsafeRaw: backend == .sqlite ? "" : " ON \(table)")").run()
            }
            let later = try await app.send(.POST, "/api/v1/patients", token: token, json: body, headers: key)
            #expect(later.status == .created)
            #expect(later.headers.first(name: "Idempotent-Replayed") == nil)
            let again = try await app.send(.POST, "/api/v1/patients", token: token, json: body, headers: key)
            #expect(again.headers.first(name: "Idempotent-Replayed") == "true")
            #expect(again.json["id"] as? String == later.json["id"] as? String)
            #expect(try await patients() == 1, "one key made one patient")
            // A new key is a new request.
            let fresh = try await app.send(.POST, "/api/v1/patients", token: token, json: body, headers: [("Idempotency-Key", "late-fail-0002")])
            #expect(fresh.status == .created)
            #expect(try await patients() == 2)
        }
    }

    @Test("a claim given up as abandoned refuses its effect: the late attempt rolls back", arguments: TestBackend.enabled)
    func givenUpClaimRefusesEffect(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "idem-given-up")
            let scope = TenantScope(tenantID: t.id, db: app.db)
            let record = IdempotencyRecord(tenantID: t.id, subjectID: t[.receptionist].id, key: "given-up-0001", requestHash: "h")
            try await record.create(on: app.db)
            let claimed = TenantScope(tenantID: t.id, db: app.db, effect: IdempotencyRecord.effect(of: try record.requireID()))
            let facility = try #require(try await scope.query(Facility.self).first())
            // Another retry released the claim (past the lease) while this attempt still ran.
            try await record.delete(on: app.db)
            await #expect(throws: AppError.self) {
                try await claimed.writeTransaction { tx in
                    let ward = Ward()
                    ward.facilityID = try facility.requireID()
                    ward.name = "Given up"
                    ward.beds = 3
                    try await tx.create(ward)
                }
            }
            #expect(try await scope.query(Ward.self).count() == 0, "the effect rolled back with its refused claim")
        }
    }

    @Test("a record older than CAREFLOW_IDEMPOTENCY_TTL is purged and not replayed", arguments: TestBackend.enabled)
    func expiry(backend: TestBackend) async throws {
        try await withCareFlow(backend, configure: { $0.idempotencyTTL = 3_600 }) { app in
            let t = try await Fixtures.tenant(app, slug: "idem-ttl")
            let sql = app.db as! any SQLDatabase
            let body = jsonBody(["given_name": "Aline", "family_name": "Uwase", "sex": "female"])
            let key = [("Idempotency-Key", "ttl-0001")]
            let first = try await app.send(.POST, "/api/v1/patients", token: t[.receptionist].token, json: body, headers: key)
            #expect(first.status == .created)
            // Another caller's record, and this one, both from two hours ago: past the lifetime.
            let other = try await app.send(.POST, "/api/v1/patients", token: t[.facilityAdmin].token, json: body,
                                           headers: [("Idempotency-Key", "ttl-other")])
            #expect(other.status == .created)
            try await sql.raw("UPDATE idempotency_records SET created_at = \(bind: Date().addingTimeInterval(-7_200))").run()
            // Within the lifetime a fresh record still replays.
            let fresh = [("Idempotency-Key", "ttl-fresh")]
            let kept = try await app.send(.POST, "/api/v1/patients", token: t[.receptionist].token, json: body, headers: fresh)
            let keptAgain = try await app.send(.POST, "/api/v1/patients", token: t[.receptionist].token, json: body, headers: fresh)
            #expect(keptAgain.headers.first(name: "Idempotent-Replayed") == "true")
            #expect(keptAgain.json["id"] as? String == kept.json["id"] as? String)
            // The expired ones are gone, the other caller's too (nobody retried it).
            let keys = try await IdempotencyRecord.query(on: app.db).all().map(\.key)
            #expect(Set(keys) == ["ttl-fresh"])
            // A retry after the lifetime is a new request.
            let late = try await app.send(.POST, "/api/v1/patients", token: t[.receptionist].token, json: body, headers: key)
            #expect(late.status == .created)
            #expect(late.headers.first(name: "Idempotent-Replayed") == nil)
            #expect(late.json["id"] as? String != first.json["id"] as? String)
        }
    }

    @Test("CAREFLOW_IDEMPOTENCY_TTL reads seconds or a duration; 24 h by default")
    func ttlSetting() {
        func ttl(_ value: String?) -> TimeInterval {
            AppConfiguration.fromEnvironment(value.map { ["CAREFLOW_IDEMPOTENCY_TTL": $0] } ?? [:]).idempotencyTTL
        }
        #expect(ttl(nil) == 86_400)
        #expect(ttl("600") == 600)
        #expect(ttl("90s") == 90)
        #expect(ttl("30m") == 1_800)
        #expect(ttl("2h") == 7_200)
        #expect(ttl("7d") == 604_800)
        #expect(ttl("soon") == 86_400)
        #expect(ttl("-5") == 86_400)
    }
}
