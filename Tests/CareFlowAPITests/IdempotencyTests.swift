@testable import CareFlowAPI
import CareFlowCore
import Fluent
import Foundation
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
}
