@testable import CareFlowAPI
@testable import CareFlowCore
import Fluent
import Foundation
import SQLKit
import Testing

/// PRODUCT §12: every security-relevant change is an append-only event with actor, tenant,
/// target, time and request id; tamper-evident, each event carrying the hash of the previous one.
@Suite("Audit log, without HTTP")
struct AuditLogServiceTests {
    @Test("each event carries the previous one's hash, one chain per tenant, and the chains verify", arguments: TestBackend.enabled)
    func chained(backend: TestBackend) async throws {
        try await ServiceTestBed.with(backend) { bed in
            let (a, _) = try await bed.tenant("audit-a")
            let (b, _) = try await bed.tenant("audit-b")
            let actor = UUID()
            for (tenant, count) in [(a, 3), (b, 2)] {
                for i in 0..<count {
                    try await bed.services.audit.append(
                        AuditRecord(tenantID: tenant.id, actor: .user(actor), action: AuditAction("test.event"), targetType: "thing",
                                    targetID: "t\(i)"),
                        origin: RequestOrigin(requestID: "req-\(tenant.slug)-\(i)"), on: bed.db)
                }
            }
            for (tenant, count) in [(a, 3), (b, 2)] {
                let events = try await AuditEvent.query(on: bed.db).filter(\.$tenantID == tenant.id)
                    .filter(\.$action == "test.event").sort(\.$seq).all()
                #expect(events.count == count)
                #expect(Set(events.map(\.chain)).count == 1, "one chain per tenant")
                for (earlier, later) in zip(events, events.dropFirst()) {
                    #expect(later.seq == earlier.seq + 1)
                    #expect(later.prevHash == earlier.hash)
                }
                let last = try #require(events.last)
                #expect(last.actorID == actor && last.targetID == "t\(count - 1)" && last.requestID == "req-\(tenant.slug)-\(count - 1)")
            }
            let chainA = try #require(try await AuditEvent.query(on: bed.db).filter(\.$tenantID == a.id).first()).chain
            let chainB = try #require(try await AuditEvent.query(on: bed.db).filter(\.$tenantID == b.id).first()).chain
            #expect(chainA != chainB)
            let report = try await AuditChainVerifier().verify(on: bed.db)
            #expect(report.ok, "\(report.breaks)")
        }
    }

    @Test("the database refuses to change or delete an event", arguments: TestBackend.enabled)
    func appendOnly(backend: TestBackend) async throws {
        try await ServiceTestBed.with(backend) { bed in
            let (tenant, _) = try await bed.tenant("audit-ro")
            let event = try await bed.services.audit.append(
                AuditRecord(tenantID: tenant.id, actor: .system, action: AuditAction("test.event")), origin: .none, on: bed.db)
            let sql = try #require(bed.db as? any SQLDatabase)
            let id = try event.requireID()
            await #expect(throws: (any Error).self) {
                try await sql.raw("UPDATE audit_events SET action = 'test.edited' WHERE id = \(bind: id)").run()
            }
            await #expect(throws: (any Error).self) {
                try await sql.raw("DELETE FROM audit_events WHERE id = \(bind: id)").run()
            }
            let stored = try #require(try await AuditEvent.find(id, on: bed.db))
            #expect(stored.action == "test.event")
            #expect(try await AuditChainVerifier().verify(on: bed.db).ok)
        }
    }
}
