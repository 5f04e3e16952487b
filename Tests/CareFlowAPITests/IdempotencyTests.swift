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
            // As the chaos test left it: the database went away before the answer was stored or
            // the record removed, so the record stays pending.
            func pending(since seconds: Double) async throws {
                try await sql.raw("""
                    UPDATE idempotency_records SET response_status = NULL, response_type = NULL, response_sealed = NULL,
                    created_at = \(bind: Date().addingTimeInterval(-seconds))
                    """).run()
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
