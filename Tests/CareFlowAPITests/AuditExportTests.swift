@testable import CareFlowAPI
@testable import CareFlowCore
import Fluent
import Foundation
import Testing
import VaporTesting

/// The audit trail exported whole: NDJSON, oldest first, every event once, streamed in keyset
/// pages (never the whole trail in memory), under the same access rules as the list, and audited.
@Suite("Audit trail export")
struct AuditExportTests {
    static let seeded = 5_000

    /// `seeded` events in the tenant's chain, alternating between the two facilities, written a
    /// batch at a time (as the group-commit writer does) so the test does not take minutes.
    static func seed(_ app: Application, _ t: TestTenant) async throws {
        let chain = AuditLog.chainKey(for: t.id)
        for start in stride(from: 0, to: seeded, by: AuditLog.maxBatch) {
            let batch = (start..<min(start + AuditLog.maxBatch, seeded)).map { n in
                AuditLog.Pending(record: AuditRecord(tenantID: t.id, facilityID: n % 2 == 0 ? t.f1.id : t.f2.id, actor: .system,
                                                     action: AuditAction("test.event"), targetType: "test", targetID: String(n),
                                                     details: ["n": String(n)]),
                                 origin: RequestOrigin(requestID: "seed-\(n)", ip: nil))
            }
            _ = try await AuditLog.write(batch, chain: chain, on: app.db)
        }
    }

    static func lines(_ text: String) -> [[String: Any]] {
        text.split(separator: "\n").map { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any] ?? [:] }
    }

    @Test("an export of several thousand events streams back complete, in chain order, each line an event as the list shows it",
          arguments: TestBackend.enabled)
    func completeAndOrdered(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "audit-export")
            try await Self.seed(app, t)
            let total = try await AuditEvent.query(on: app.db).filter(\.$chain == AuditLog.chainKey(for: t.id)).count()
            #expect(total >= Self.seeded)

            // Over a real socket: a chunked body, written as it is read (no Content-Length).
            let live = try await LiveCareFlow(app)
            let res = try await app.client.get(URI(string: "http://127.0.0.1:\(live.port)/api/v1/audit-events/export"),
                                               headers: ["Authorization": "Bearer \(t[.groupAdmin].token)"])
            await live.stop()
            #expect(res.status == .ok)
            #expect(res.headers.first(name: .contentType) == "application/x-ndjson")
            #expect(res.headers.first(name: .contentLength) == nil)
            #expect(res.headers.first(name: .transferEncoding) == "chunked")
            let text = res.body.map { String(buffer: $0) } ?? ""
            #expect(text.hasSuffix("\n"))
            let events = Self.lines(text)
            // Every event of the chain as of the start, once, oldest first, each linked to the one before.
            #expect(events.count == total)
            #expect(events.compactMap { $0["seq"] as? Int } == Array(1...total))
            #expect(events.first?["prev_hash"] as? String == AuditHasher.genesis)
            for (previous, event) in zip(events, events.dropFirst()) where event["prev_hash"] as? String != previous["hash"] as? String {
                Issue.record("event \(event["seq"] ?? "?") does not follow \(previous["seq"] ?? "?")")
                break
            }
            let seededNumbers = events.filter { $0["action"] as? String == "test.event" }
                .compactMap { ($0["details"] as? [String: String])?["n"].flatMap(Int.init) }
            #expect(seededNumbers == Array(0..<Self.seeded))

            // The same shape as the list: its newest page is the export's tail, reversed.
            let page = try await app.send(.GET, "/api/v1/audit-events?limit=200", token: t[.groupAdmin].token)
            let newest = try #require(page.json["items"] as? [[String: Any]])
            let newestIDs = Set(newest.compactMap { $0["id"] as? String })
            let tail = events.filter { newestIDs.contains($0["id"] as? String ?? "") }
            #expect(tail.count == newest.count - 1, "only the export's own event is newer than the export")
            for line in tail {
                let item = try #require(newest.first { $0["id"] as? String == line["id"] as? String })
                #expect(NSDictionary(dictionary: item) == NSDictionary(dictionary: line), "export line differs from list item \(item["seq"] ?? "?")")
            }

            // The export is itself audited, after the events it covers.
            let exported = try await AuditEvent.query(on: app.db).filter(\.$action == "audit.export").all()
            #expect(exported.count == 1)
            #expect(exported.first?.actorID == t[.groupAdmin].id)
            #expect(exported.first.map { $0.seq > total } == true)
        }
    }

    @Test("filters and facility scope apply as in the list; who may not read the trail gets 403 and nothing",
          arguments: TestBackend.enabled)
    func scopeAndAccess(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "audit-export-acl")
            try await Self.seed(app, t)

            let seededOnly = try await app.send(.GET, "/api/v1/audit-events/export?action=test.event", token: t[.groupAdmin].token)
            #expect(seededOnly.status == .ok)
            #expect(Self.lines(seededOnly.text).compactMap { $0["target_id"] as? String } == (0..<Self.seeded).map(String.init))

            // A facility admin of f2 sees f2's events only: the odd ones.
            let f2 = try await app.send(.GET, "/api/v1/audit-events/export?action=test.event", token: t.f2Admin.token)
            #expect(f2.status == .ok)
            let f2Events = Self.lines(f2.text)
            #expect(f2Events.compactMap { $0["target_id"] as? String } == stride(from: 1, to: Self.seeded, by: 2).map(String.init))
            #expect(f2Events.allSatisfy { $0["facility_id"] as? String == t.f2.id!.uuidString })

            for user in [t[.receptionist], t[.doctor], t[.patient]] {
                let denied = try await app.send(.GET, "/api/v1/audit-events/export", token: user.token)
                #expect(denied.status == .forbidden, "\(user.role)")
                #expect(denied.isProblem)
                #expect(!denied.text.contains("test.event"))
            }
            #expect(try await app.send(.GET, "/api/v1/audit-events/export").status == .unauthorized)
            let bad = try await app.send(.GET, "/api/v1/audit-events/export?outcome=maybe&actor_id=nope", token: t[.groupAdmin].token)
            #expect(bad.status == .unprocessableEntity)
            #expect(Set((bad.json["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String }) == ["outcome", "actor_id"])
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "audit.export").count() == 2)
        }
    }

    @Test("the service hands the trail over in pages of at most the batch size, never all at once", arguments: [TestBackend.sqlite])
    func pagesBounded(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "audit-export-pages")
            try await Self.seed(app, t)
            let admin = try await app.services.auth.authenticate(bearer: t[.groupAdmin].token)
            let export = try await app.services.auditQuery.export(
                AuditQuery.Filters(action: "test.event"), in: RequestContext(scope: TenantScope(tenantID: t.id, db: app.db),
                                                                             principal: admin, origin: .none),
                batchSize: 300)
            var sizes: [Int] = []
            var seqs: [Int] = []
            try await export.stream { batch in
                sizes.append(batch.count)
                seqs += batch.map(\.seq)
            }
            #expect(sizes.allSatisfy { $0 <= 300 })
            #expect(sizes.reduce(0, +) == Self.seeded)
            #expect(sizes.count == (Self.seeded + 299) / 300)
            #expect(seqs == seqs.sorted() && Set(seqs).count == seqs.count)
        }
    }
}
