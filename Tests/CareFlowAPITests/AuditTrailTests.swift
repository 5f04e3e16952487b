@testable import CareFlowAPI
@testable import CareFlowCore
import Fluent
import Foundation
import SQLKit
import Testing
import VaporTesting

@Suite("Audit trail")
struct AuditTrailTests {
    @Test("the chain verifies, and an edited row is named", arguments: TestBackend.enabled)
    func tamperEvidence(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "audit")
            _ = try await app.send(.GET, "/api/v1/audit-events", token: t[.doctor].token)   // a denial
            let clean = try await AuditChainVerifier().verify(on: app.db)
            #expect(clean.ok)
            #expect(clean.events >= 10)

            let sql = app.db as! any SQLDatabase
            // The database itself refuses edits.
            await #expect(throws: (any Error).self) {
                try await sql.raw("UPDATE audit_events SET action = 'x'").run()
            }
            await #expect(throws: (any Error).self) {
                try await sql.raw("DELETE FROM audit_events").run()
            }
            // Someone with schema rights removes the guard and edits one event.
            let victim = try await AuditEvent.query(on: app.db)
                .filter(\.$chain == AuditLog.chainKey(for: t.id)).filter(\.$seq == 3).first()!
            try await dropGuards(ownerDatabase(app) as! any SQLDatabase)  // the owner: the application role has no DDL rights
            try await sql.raw("UPDATE audit_events SET outcome = 'success', action = 'nothing.to.see' WHERE id = \(bind: victim.id!)").run()
            let report = try await AuditChainVerifier().verify(on: app.db)
            #expect(!report.ok)
            #expect(report.breaks.first?.eventID == victim.id)
            #expect(report.breaks.first?.seq == 3)
            #expect(report.breaks.first?.description.contains(victim.id!.uuidString.lowercased()) == true)
        }
    }

    @Test("a deleted event breaks the chain at the gap", arguments: TestBackend.enabled)
    func deletion(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "audit-del")
            let sql = app.db as! any SQLDatabase
            try await dropGuards(ownerDatabase(app) as! any SQLDatabase)  // the owner: the application role has no DDL rights
            let chain = AuditLog.chainKey(for: t.id)
            try await sql.raw("DELETE FROM audit_events WHERE chain = \(bind: chain) AND seq = 2").run()
            let report = try await AuditChainVerifier().verify(on: app.db)
            #expect(report.breaks.first?.seq == 3)
            #expect(report.breaks.first?.reason.contains("gap") == true)
        }
    }

    @Test("concurrent appends keep one unbroken chain", arguments: TestBackend.enabled)
    func concurrentAppends(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "audit-conc")
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in 0..<40 {
                    group.addTask {
                        try await app.services.audit.append(
                            AuditRecord(tenantID: t.id, actor: .system, action: AuditAction("test.concurrent"), details: ["i": String(i)]),
                            origin: .none, on: app.db)
                    }
                }
                try await group.waitForAll()
            }
            let report = try await AuditChainVerifier().verify(on: app.db)
            #expect(report.ok, "\(report.breaks)")
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "test.concurrent").count() == 40)
        }
    }

    @Test("audit listing filters and paginates", arguments: TestBackend.enabled)
    func listing(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "audit-list")
            let token = t[.groupAdmin].token
            let logins = try await app.send(.GET, "/api/v1/audit-events?action=auth.login&limit=3", token: token)
            let items = logins.json["items"] as? [[String: Any]] ?? []
            #expect(items.count == 3)
            #expect(items.allSatisfy { $0["action"] as? String == "auth.login" })
            let cursor = try #require(logins.json["next_cursor"] as? String)
            let next = try await app.send(.GET, "/api/v1/audit-events?action=auth.login&limit=3&cursor=\(cursor)", token: token)
            let nextItems = next.json["items"] as? [[String: Any]] ?? []
            #expect(!nextItems.isEmpty)
            let seqs = (items + nextItems).compactMap { $0["seq"] as? Int }
            #expect(seqs == seqs.sorted(by: >))
            #expect(Set(seqs).count == seqs.count)
            let bad = try await app.send(.GET, "/api/v1/audit-events?actor_id=nope&from=yesterday&outcome=maybe", token: token)
            #expect(bad.status == .unprocessableEntity)
            let fields = (bad.json["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String }
            #expect(Set(fields) == ["actor_id", "from", "outcome"])

            // target_type (issue 15): only events about that kind of thing.
            let created = try await app.send(.POST, "/api/v1/facilities", token: token,
                                             json: #"{"code":"audit-list-f3","name":"Facility Three","timezone":"Africa/Kigali"}"#)
            #expect(created.status == .created, "\(created.text)")
            let facilityEvents = try await AuditEvent.query(on: app.db).filter(\.$chain == AuditLog.chainKey(for: t.id))
                .filter(\.$targetType == "facility").count()
            let byType = try await app.send(.GET, "/api/v1/audit-events?target_type=facility&limit=200", token: token)
            let typed = byType.json["items"] as? [[String: Any]] ?? []
            #expect(byType.status == .ok && typed.count == facilityEvents && facilityEvents == 1)
            #expect(typed.allSatisfy { $0["target_type"] as? String == "facility" })
        }
    }

    /// What an attacker with DDL rights would do first.
    func dropGuards(_ sql: any SQLDatabase) async throws {
        if sql.dialect.name == "postgresql" {
            try await sql.raw("DROP TRIGGER audit_events_no_change ON audit_events").run()
        } else {
            try await sql.raw("DROP TRIGGER audit_events_no_update").run()
            try await sql.raw("DROP TRIGGER audit_events_no_delete").run()
        }
    }
}
