@testable import CareFlowAPI
import CareFlowCore
import Fluent
import Foundation
import Testing
import VaporTesting

/// Found by schemathesis (issue 16): concurrent role changes answered 500 (SQLITE_BUSY), and
/// beside other writers (a ward being created, an invitation) they held every pooled connection
/// until the pool's 30-s timeout, so every request of those rounds failed after 30 s.
@Suite("Staff writes under concurrency")
struct StaffConcurrencyTests {
    static let rounds = 3

    @Test("role changes, invitations and ward creations sent together all succeed, promptly", arguments: TestBackend.enabled)
    func concurrentStaffWrites(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "staff-race")
            let admin = t[.groupAdmin].token
            let nurse = t[.nurse].id
            let facility = t.f1.id!
            let staff = "/api/v1/facilities/\(facility)/staff"
            let roleSets = [["nurse", "billing"], ["nurse"], ["nurse", "receptionist"]]
            try await app.withLiveServer { server in
                for round in 0..<Self.rounds {
                    let started = Date()
                    let answers = try await withThrowingTaskGroup(of: (String, UInt, String).self) { group in
                        for (index, roles) in roleSets.enumerated() {
                            group.addTask {
                                let r = try await server.send(.PUT, "\(staff)/\(nurse)/roles", token: admin, json: jsonBody(["roles": roles]))
                                return ("roles \(index)", r.status.code, r.text)
                            }
                        }
                        for index in 0..<2 {
                            group.addTask {
                                let r = try await server.send(.POST, staff, token: admin,
                                                              json: jsonBody(["email": "race-\(round)-\(index)@staff-race.example", "roles": ["nurse"]]))
                                return ("invite \(index)", r.status.code, r.text)
                            }
                        }
                        group.addTask {
                            let r = try await server.send(.POST, "/api/v1/facilities/\(facility)/wards", token: admin,
                                                          json: jsonBody(["name": "Race \(round)", "beds": 4]))
                            return ("ward", r.status.code, r.text)
                        }
                        var all: [(String, UInt, String)] = []
                        for try await answer in group { all.append(answer) }
                        return all
                    }
                    for (what, status, text) in answers {
                        let expected: UInt = what.hasPrefix("roles") ? 200 : 201
                        #expect(status == expected, "round \(round), \(what): \(status) \(text.prefix(300))")
                    }
                    // The pool waits 30 s for a connection before failing; a round is far shorter.
                    #expect(Date().timeIntervalSince(started) < 20, "round \(round) took \(Date().timeIntervalSince(started)) s")
                    // The last change won: the nurse holds exactly one of the requested sets here.
                    let held = try await RoleAssignment.query(on: app.db).filter(\.$userID == nurse)
                        .filter(\.$facilityID == facility).all().map(\.role.rawValue).sorted()
                    #expect(roleSets.map { $0.sorted() }.contains(held), "round \(round): \(held)")
                }
            }
        }
    }
}
