@testable import CareFlowAPI
@testable import CareFlowCore
import Fluent
import Foundation
import SQLKit
import Testing

/// A write's audit event commits with the write and is in its chain when the write returns. On
/// PostgreSQL it is staged in the write's transaction and linked right after by the chain's
/// writer (`AuditStagedEvent`, `AuditStaging`): the write never holds the chain's lock to its
/// commit, and the event is never lost between the two steps. On SQLite it is linked in the
/// write's transaction (one writer: the lock is held anyway).
@Suite("Staged audit events, without HTTP")
struct AuditStagingTests {
    static func staged(_ db: any Database) async throws -> Int { try await AuditStagedEvent.query(on: db).count() }

    static func patient(_ i: Int, _ facilityID: UUID) -> PatientInput {
        PatientInput(givenName: "Given\(i)", familyName: "Family\(i)", birthDate: "1990-01-01", sex: .female, homeFacilityID: facilityID)
    }

    @Test("concurrent writes and audited reads: each write's event is in the chain when it returns, nothing stays staged, the chain verifies",
          arguments: TestBackend.enabled)
    func concurrentWritesAndReads(backend: TestBackend) async throws {
        try await ServiceTestBed.with(backend) { bed in
            let (tenant, facility) = try await bed.tenant("staged-many")
            let tenantID = try tenant.requireID(), facilityID = try facility.requireID()
            let context = RequestContext(scope: bed.scope(tenantID), principal: .system(tenantID: tenantID), origin: .none)
            let audit = bed.services.audit, db = bed.db, patients = bed.services.patients
            let ids = try await withThrowingTaskGroup(of: UUID?.self) { group in
                for i in 0..<40 {
                    group.addTask {
                        let id = try await patients.register(Self.patient(i, facilityID), in: context).patient.requireID()
                        // Linked by the time the write returns: the caller sees its own event.
                        let own = try await AuditEvent.query(on: db).filter(\.$action == "patient.create")
                            .filter(\.$targetID == id.lowercasedString).count()
                        #expect(own == 1)
                        return id
                    }
                }
                for i in 0..<200 {
                    group.addTask {
                        _ = try await audit.append(AuditRecord(tenantID: tenantID, actor: .system, action: AuditAction("test.read"),
                                                               details: ["i": String(i)]), origin: .none, on: db)
                        return nil
                    }
                }
                return try await group.reduce(into: [UUID]()) { if let id = $1 { $0.append(id) } }
            }
            #expect(ids.count == 40)
            #expect(try await Self.staged(db) == 0)
            #expect(try await AuditEvent.query(on: db).filter(\.$action == "patient.create").filter(\.$tenantID == tenantID).count() == 40)
            #expect(try await AuditEvent.query(on: db).filter(\.$action == "test.read").count() == 200)
            let report = try await AuditChainVerifier().verify(on: db)
            #expect(report.ok, "\(report.breaks)")
            #expect(report.staged == 0)
        }
    }

    @Test("events a stopped process staged and never linked are linked at the next start, with their ids and times",
          .enabled(if: TestBackend.postgresURL != nil, "needs CAREFLOW_TEST_DATABASE_URL"))
    func leftoversLinkedAtStart() async throws {
        try await ServiceTestBed.with(.postgres) { bed in
            let (tenant, _) = try await bed.tenant("staged-left")
            let tenantID = try tenant.requireID()
            let db = bed.db
            let before = try await AuditEvent.query(on: db).filter(\.$chain == AuditLog.chainKey(for: tenantID)).count()
            // A transaction that staged three events and committed; its process stopped before the
            // chain's writer linked them (its staging is never linked here).
            let audit = bed.services.audit
            let never = AuditStaging()
            let staged = try await TenantScope(tenantID: tenantID, db: db).transaction { tx in
                try await AuditStaging.$current.withValue(never) {
                    var events: [AuditEvent] = []
                    for i in 0..<3 {
                        events.append(try await audit.append(
                            AuditRecord(tenantID: tenantID, actor: .system, action: AuditAction("test.left"), details: ["i": String(i)]),
                            origin: RequestOrigin(requestID: "left-\(i)"), on: tx.db))
                    }
                    return events
                }
            }
            #expect(staged.allSatisfy { $0.seq == 0 }, "staged, not linked")
            #expect(try await Self.staged(db) == 3)
            #expect(try await AuditEvent.query(on: db).filter(\.$chain == AuditLog.chainKey(for: tenantID)).count() == before)
            let pending = try await AuditChainVerifier().verify(on: db)
            #expect(pending.ok && pending.staged == 3)

            // The next start: a new log, as a new process has.
            #expect(try await AuditLog().linkAllStaged(on: db) == 1)
            #expect(try await Self.staged(db) == 0)
            let linked = try await AuditEvent.query(on: db).filter(\.$action == "test.left").sort(\.$seq).all()
            #expect(linked.map(\.id) == staged.map(\.id), "linked in the order they happened, under the ids they were given")
            #expect(linked.map(\.occurredAtMs) == staged.map(\.occurredAtMs))
            #expect(linked.map(\.requestID) == ["left-0", "left-1", "left-2"])
            #expect(linked.first?.seq == before + 1)
            let report = try await AuditChainVerifier().verify(on: db)
            #expect(report.ok, "\(report.breaks)")
            #expect(report.staged == 0)
        }
    }

    @Test("a chain that cannot be written keeps the write with its event staged; the chain's next write links it",
          .enabled(if: TestBackend.postgresURL != nil, "needs CAREFLOW_TEST_DATABASE_URL"))
    func linkingFailsEventWaits() async throws {
        try await ServiceTestBed.with(.postgres) { bed in
            let (tenant, facility) = try await bed.tenant("staged-wait")
            let tenantID = try tenant.requireID(), facilityID = try facility.requireID()
            let context = RequestContext(scope: bed.scope(tenantID), principal: .system(tenantID: tenantID), origin: .none)
            let db = bed.db
            try await AuditedWriteTests.refuseAuditEvents(bed.ownerDB, tables: ["audit_events"])
            // The event is durable with the patient: the write succeeds, its event waits.
            let first = try await bed.services.patients.register(Self.patient(1, facilityID), in: context).patient.requireID()
            #expect(try await Self.staged(db) == 1)
            #expect(try await AuditEvent.query(on: db).filter(\.$action == "patient.create").filter(\.$tenantID == tenantID).count() == 0)
            try await AuditedWriteTests.allowAuditEvents(bed.ownerDB, tables: ["audit_events"])

            let second = try await bed.services.patients.register(Self.patient(2, facilityID), in: context).patient.requireID()
            #expect(try await Self.staged(db) == 0)
            let created = try await AuditEvent.query(on: db).filter(\.$action == "patient.create")
                .filter(\.$tenantID == tenantID).sort(\.$seq).all()
            #expect(created.map(\.targetID) == [first.lowercasedString, second.lowercasedString])
            let report = try await AuditChainVerifier().verify(on: db)
            #expect(report.ok, "\(report.breaks)")
        }
    }
    @Test("more staged events than one batch links are linked over several batches, before the reads waiting with them, in the order they happened",
          .enabled(if: TestBackend.postgresURL != nil, "needs CAREFLOW_TEST_DATABASE_URL"))
    func backlogLongerThanABatch() async throws {
        try await ServiceTestBed.with(.postgres) { bed in
            let (tenant, facility) = try await bed.tenant("staged-backlog")
            let tenantID = try tenant.requireID(), facilityID = try facility.requireID()
            let chain = AuditLog.chainKey(for: tenantID), db = bed.db, audit = bed.services.audit
            let before = try await AuditEvent.query(on: db).filter(\.$chain == chain).count()
            // A backlog a long outage of the link leaves: more than a batch links at once, each
            // event with its own time and every column set (as a staff member's write over
            // HTTP has them), staged as a transaction stages them.
            let backlog = AuditLog.maxStagedPerBatch + 1_200
            let start = Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)) - Int64(backlog)
            let staged = (0..<backlog).map { i in
                AuditLog.stage(AuditLog.Pending(
                    record: AuditRecord(tenantID: tenantID, facilityID: facilityID, actor: .user(UUID()), action: AuditAction("test.backlog"),
                                        targetType: "patient", targetID: UUID().lowercasedString, details: ["i": String(i)]),
                    origin: RequestOrigin(requestID: "backlog-\(i)", ip: "10.1.2.3")), chain: chain, occurredAtMs: start + Int64(i))
            }
            try await TenantScope(tenantID: tenantID, db: db).transaction { tx in
                for first in stride(from: 0, to: backlog, by: 500) {
                    try await Array(staged[first..<min(first + 500, backlog)]).create(on: tx.db)
                }
            }
            #expect(try await Self.staged(db) == backlog)

            // The link and audited reads at once: the reads wait behind the backlog, none fails.
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    let chains = try await audit.linkAllStaged(on: db)
                    #expect(chains == 1)
                }
                for i in 0..<30 {
                    group.addTask {
                        _ = try await audit.append(AuditRecord(tenantID: tenantID, actor: .system, action: AuditAction("test.read"),
                                                               details: ["i": String(i)]), origin: .none, on: db)
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await Self.staged(db) == 0)
            let linked = try await AuditEvent.query(on: db).filter(\.$chain == chain).filter(\.$action == "test.backlog")
                .sort(\.$seq).all()
            #expect(linked.map(\.id) == staged.map(\.id), "every staged event, in the order it happened")
            let seqs = linked.map(\.seq)
            #expect(seqs.last.map { $0 - seqs[0] + 1 } == backlog, "one run of the chain: no read between two parts of the backlog")
            #expect(try await AuditEvent.query(on: db).filter(\.$chain == chain).count() == before + backlog + 30)
            let report = try await AuditChainVerifier().verify(on: db)
            #expect(report.ok, "\(report.breaks)")
            #expect(report.staged == 0)
        }
    }

    @Test("inside serve, staged events left behind are linked within the sweep's period, without a restart or a write",
          .enabled(if: TestBackend.postgresURL != nil, "needs CAREFLOW_TEST_DATABASE_URL"))
    func leftoversLinkedBySweep() async throws {
        try await withCareFlow(.postgres) { app in
            let tenantID = try await Fixtures.tenant(app, slug: "staged-sweep").id
            let never = AuditStaging()
            let audit = app.services.audit
            _ = try await TenantScope(tenantID: tenantID, db: app.db).transaction { tx in
                try await AuditStaging.$current.withValue(never) {
                    try await audit.append(AuditRecord(tenantID: tenantID, actor: .system, action: AuditAction("test.swept")),
                                           origin: .none, on: tx.db)
                }
            }
            #expect(try await Self.staged(app.db) == 1)
            let linker = StagedAuditLinker(period: .milliseconds(200))
            try await linker.didBootAsync(app)
            let deadline = Date().addingTimeInterval(20)
            while try await Self.staged(app.db) > 0, Date() < deadline { try await Task.sleep(for: .milliseconds(100)) }
            await linker.shutdownAsync(app)
            #expect(try await Self.staged(app.db) == 0)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "test.swept").count() == 1)
            let report = try await AuditChainVerifier().verify(on: app.db)
            #expect(report.ok, "\(report.breaks)")
        }
    }
}
