@testable import CareFlowAPI
import CareFlowCore
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// Dead letters (PRODUCT §6): visible to the group admin without their content, re-queued by
/// them, and then delivered by the worker like any other message.
@Suite("Dead letters")
struct DeadLetterTests {
    /// Five emails of `t`; the first two dead-lettered by a permanent error.
    static func outboxWithDeadLetters(_ app: Application, _ t: TestTenant) async throws -> (ids: [UUID], dead: [UUID]) {
        let ids = try await OutboxTests.enqueue(app, t, count: 5, to: "patient-secret@example.org")
        let permanent = OutboxTests.ScriptedSenders(failure: IntegrationError(.permanent, provider: "fake", httpStatus: 400, message: "bad address"))
        let scope = TenantScope(tenantID: t.id, db: app.db)
        // Only the first two are due now.
        for id in ids.dropFirst(2) {
            let row = try #require(try await scope.find(OutboxMessage.self, id))
            row.nextAttemptAt = Date().addingTimeInterval(86_400)
            try await scope.update(row)
        }
        try await OutboxTests.worker(app, permanent).runOnce()
        return (ids, Array(ids.prefix(2)))
    }

    @Test("the list: newest first, by status, cursor-paginated, never the payload", arguments: TestBackend.enabled)
    func list(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "dlq")
            let (ids, dead) = try await Self.outboxWithDeadLetters(app, t)
            let admin = t[.groupAdmin].token

            let deadList = try await app.send(.GET, "/api/v1/outbox?status=dead", token: admin)
            #expect(deadList.status == .ok, "\(deadList.text)")
            let items = deadList.json["items"] as? [[String: Any]] ?? []
            #expect(items.compactMap { ($0["id"] as? String)?.lowercased() } == dead.reversed().map { $0.uuidString.lowercased() })
            let first = try #require(items.first)
            #expect(Set(first.keys) == ["id", "capability", "status", "attempts", "next_attempt_at", "last_error", "provider_message_id",
                                        "delivery_status", "created_at"])
            #expect(first["status"] as? String == "dead" && first["attempts"] as? Int == 1 && first["capability"] as? String == "email")
            #expect((first["last_error"] as? String)?.contains("bad address") == true)
            #expect(!deadList.text.contains("patient-secret") && !deadList.text.contains("payload"))
            #expect(deadList.json["next_cursor"] is NSNull)

            // Every message, two per page, newest first.
            var seen: [String] = []
            var cursor: String? = nil
            repeat {
                let page = try await app.send(.GET, "/api/v1/outbox?limit=2" + (cursor.map { "&cursor=\($0)" } ?? ""), token: admin)
                #expect(page.status == .ok)
                seen += (page.json["items"] as? [[String: Any]] ?? []).compactMap { ($0["id"] as? String)?.lowercased() }
                cursor = page.json["next_cursor"] as? String
            } while cursor != nil
            #expect(seen == ids.reversed().map { $0.uuidString.lowercased() })

            let pending = try await app.send(.GET, "/api/v1/outbox?status=pending", token: admin)
            #expect((pending.json["items"] as? [Any])?.count == 3)
            let bad = try await app.send(.GET, "/api/v1/outbox?status=lost", token: admin)
            #expect(bad.status == .unprocessableEntity && bad.isProblem)
            #expect((bad.json["errors"] as? [[String: Any]])?.first?["field"] as? String == "status")
            #expect(try await app.send(.GET, "/api/v1/outbox", token: t[.facilityAdmin].token).status == .forbidden)
        }
    }

    @Test("requeue: dead → pending from zero, audited, then delivered by runOnce; anything else 409; another tenant's 404",
          arguments: TestBackend.enabled)
    func requeue(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "requeue")
            let other = try await Fixtures.tenant(app, slug: "requeue-other")
            let (ids, dead) = try await Self.outboxWithDeadLetters(app, t)
            let admin = t[.groupAdmin].token

            let res = try await app.send(.POST, "/api/v1/outbox/\(dead[0])/requeue", token: admin)
            #expect(res.status == .ok, "\(res.text)")
            #expect(res.json["status"] as? String == "pending" && res.json["attempts"] as? Int == 0)
            let event = try await AuditEvent.query(on: app.db).filter(\.$action == "outbox.requeue").all()
            #expect(event.count == 1 && event.first?.targetID == dead[0].uuidString.lowercased())

            let again = try await app.send(.POST, "/api/v1/outbox/\(dead[0])/requeue", token: admin)
            #expect(again.status == .conflict && again.isProblem)
            #expect(try await app.send(.POST, "/api/v1/outbox/\(ids[4])/requeue", token: admin).status == .conflict)
            let foreign = try await app.send(.POST, "/api/v1/outbox/\(dead[1])/requeue", token: other[.groupAdmin].token)
            #expect(foreign.status == .notFound && foreign.isProblem)
            #expect(try await app.send(.POST, "/api/v1/outbox/\(UUID())/requeue", token: admin).status == .notFound)

            let healthy = OutboxTests.ScriptedSenders()
            healthy.failing.withLock { $0 = false }
            #expect(try await OutboxTests.worker(app, healthy).runOnce() == 1)
            #expect(healthy.delivered.withLock { $0 } == [dead[0].uuidString.lowercased(): 1])
            let scope = TenantScope(tenantID: t.id, db: app.db)
            let row = try #require(try await scope.find(OutboxMessage.self, dead[0]))
            #expect(row.status == .sent && row.attempts == 1)
            #expect(try await scope.find(OutboxMessage.self, dead[1])?.status == .dead)
        }
    }
}
