@testable import CareFlowAPI
import CareFlowCore
import Fluent
import Foundation
import Testing
import VaporTesting

/// Found while fuzzing (issue 16): on SQLite, a dozen wards created while staff profiles were
/// saved all waited out the 30-s connection timeout and answered 503. A ward is created in a
/// transaction that writes its audit event there too; that append waited for the chain's batch
/// in flight, and the batch waited for the SQLite write lock the ward's transaction held.
@Suite("Audited writes sent together")
struct ConcurrentAuditedWritesTests {
    static let rounds = 3
    static let perKind = 6

    @Test("wards created while profiles are saved all succeed promptly, and the chain verifies", arguments: TestBackend.enabled)
    func wardsAndProfilesTogether(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "audited-burst")
            let admin = t[.groupAdmin].token
            let facility = t.f1.id!
            let doctor = t[.doctor].id
            if backend == .sqlite {
                // Every pooled connection waits for the write lock asleep, not in SQLiteNIO's
                // spinning handler (a core burnt per waiting writer).
                let limits = try await SQLiteBusyTimeout.current(app)
                #expect(!limits.isEmpty && limits.allSatisfy { $0 == SQLiteBusyTimeout.milliseconds }, "\(limits)")
            }
            try await app.withLiveServer { server in
                for round in 0..<Self.rounds {
                    let started = Date()
                    let answers = try await withThrowingTaskGroup(of: (String, UInt, String).self) { group in
                        for index in 0..<Self.perKind {
                            group.addTask {
                                let body = jsonBody(["name": "Ward \(round)-\(index)", "beds": 4])
                                let r = try await server.send(.POST, "/api/v1/facilities/\(facility)/wards", token: admin, json: body)
                                return ("ward \(index)", r.status.code, r.text)
                            }
                            group.addTask {
                                let body = jsonBody(["specialization": "Cardiology", "bio": "round \(round), writer \(index)"])
                                let r = try await server.send(.PUT, "/api/v1/facilities/\(facility)/staff/\(doctor)/profile",
                                                              token: admin, json: body)
                                return ("profile \(index)", r.status.code, r.text)
                            }
                        }
                        var all: [(String, UInt, String)] = []
                        for try await answer in group { all.append(answer) }
                        return all
                    }
                    for (what, status, text) in answers {
                        let wanted: UInt = what.hasPrefix("ward") ? 201 : 200
                        #expect(status == wanted, "round \(round), \(what): \(status) \(text.prefix(300))")
                    }
                    // A wedged round waits out the 30-s pool timeout and answers 503 (above); a healthy
                    // one takes well under a second alone, and tens of seconds at worst under the
                    // whole suite on two cores.
                    let took = Date().timeIntervalSince(started)
                    #expect(took < 90, "round \(round) took \(took) s")
                }
            }
            let wards = try await Ward.query(on: app.db).filter(\.$facilityID == facility).count()
            #expect(wards == Self.rounds * Self.perKind)
            let created = try await AuditEvent.query(on: app.db).filter(\.$action == AuditAction.wardCreate.rawValue)
                .filter(\.$tenantID == t.id).count()
            #expect(created == Self.rounds * Self.perKind)
            #expect(try await AuditChainVerifier().verify(on: app.db).ok)
        }
    }
}
