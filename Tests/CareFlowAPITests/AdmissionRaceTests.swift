@testable import CareFlowAPI
@testable import CareFlowCore
import Fluent
import Foundation
import Testing
import VaporTesting

/// Races around admissions over a live server (issue 14: "a bed holds one patient at a time,
/// database-enforced, also under concurrency"), on SQLite and PostgreSQL. Each race is run for a
/// few rounds, each round on a ward of its own, so an interleaving that slips through has more
/// than one chance to show.
@Suite("Admission races")
struct AdmissionRaceTests {
    static let rounds = 4

    static func admitPath(_ patient: UUID) -> String { "/api/v1/patients/\(patient)/admissions" }

    /// Two requests started together; their answers in the order given.
    static func together(_ server: LiveServer, _ a: @escaping @Sendable (LiveServer) async throws -> LiveResponse,
                         _ b: @escaping @Sendable (LiveServer) async throws -> LiveResponse) async throws -> (LiveResponse, LiveResponse) {
        async let first = a(server)
        async let second = b(server)
        return try await (first, second)
    }

    @Test("two back-entered admissions (admitted_at in the past) of different patients to one bed: exactly one 201, one 409",
          arguments: TestBackend.enabled)
    func backEnteredOneBed(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "race-back")
            let scope = TenantScope(tenantID: t.id, db: app.db)
            let admittedDate = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 - 6 * 3600).rounded(.down))
            let admittedAt = SchedulingFixtures.iso(admittedDate)
            try await app.withLiveServer { server in
                for round in 0..<Self.rounds {
                    let ward = try await ExportFixtures.ward(app, t, facility: t.f1, name: "Back \(round)", beds: 3)
                    let p1 = try await Fixtures.patient(app, t, given: "Early\(round)")
                    let p2 = try await Fixtures.patient(app, t, given: "Late\(round)")
                    let body = jsonBody(["facility_id": t.f1.id!.uuidString, "ward_id": ward.id!.uuidString, "bed": 2,
                                         "admitted_at": admittedAt, "reason": "Back-entered after a night on the ward"])
                    let (doctor, nurse) = (t[.doctor].token, t[.nurse].token)
                    let (a, b) = try await Self.together(server, { try await $0.send(.POST, Self.admitPath(p1), token: doctor, json: body) },
                                                         { try await $0.send(.POST, Self.admitPath(p2), token: nurse, json: body) })
                    let codes = [a.status.code, b.status.code].sorted()
                    #expect(codes == [201, 409], "round \(round): \(codes) \(a.text) \(b.text)")
                    let rows = try await scope.query(Admission.self).filter(\.$wardID == ward.id!).all()
                    #expect(rows.count == 1 && rows.first?.bed == 2 && rows.first?.status == .current, "round \(round): one stay in bed 2")
                    #expect(rows.first?.admittedAt == admittedDate, "round \(round)")
                }
            }
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "admission.create").count() == Self.rounds)
        }
    }

    @Test("a ward shrunk while its highest bed is being taken: the admission or the resize fails, never a current bed beyond the ward",
          arguments: TestBackend.enabled)
    func resizeAgainstAdmission(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "race-resize")
            let scope = TenantScope(tenantID: t.id, db: app.db)
            let beds = 6
            var outcomes: [String] = []
            try await app.withLiveServer { server in
                for round in 0..<Self.rounds {
                    let ward = try await ExportFixtures.ward(app, t, facility: t.f1, name: "Resize \(round)", beds: beds)
                    let patient = try await Fixtures.patient(app, t, given: "Top\(round)")
                    let admit = jsonBody(["facility_id": t.f1.id!.uuidString, "ward_id": ward.id!.uuidString, "bed": beds, "reason": "Observation"])
                    let resize = jsonBody(["beds": beds - 1])
                    let (doctor, admin) = (t[.doctor].token, t[.facilityAdmin].token)
                    let wardPath = "/api/v1/facilities/\(t.f1.id!)/wards/\(ward.id!)"
                    let (admission, shrink) = try await Self.together(
                        server, { try await $0.send(.POST, Self.admitPath(patient), token: doctor, json: admit) },
                        { try await $0.send(.PATCH, wardPath, token: admin, json: resize) })
                    let admitted = admission.status == .created
                    let shrunk = shrink.status == .ok
                    outcomes.append("\(admission.status.code)/\(shrink.status.code)")
                    #expect(admitted != shrunk, "round \(round): exactly one wins: \(admission.status) \(admission.text) / \(shrink.status) \(shrink.text)")
                    // The loser's answer: a full ward's bed is refused (422 bed) or the ward kept (409).
                    if admitted { #expect(shrink.status == .conflict, "round \(round): \(shrink.text)") }
                    if shrunk { #expect(admission.status == .unprocessableEntity || admission.status == .conflict, "round \(round): \(admission.text)") }

                    let fresh = try #require(try await scope.find(Ward.self, ward.id!))
                    let current = try await scope.query(Admission.self).filter(\.$wardID == ward.id!).filter(\.$status == .current).all()
                    #expect(current.allSatisfy { $0.bed <= fresh.beds }, "round \(round): beds \(fresh.beds), current \(current.map(\.bed))")
                    #expect(fresh.beds == (shrunk ? beds - 1 : beds) && current.count == (admitted ? 1 : 0), "round \(round): nothing half-written")
                }
            }
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "admission.create").count()
                    == outcomes.filter { $0.hasPrefix("201") }.count, "\(outcomes)")
            #expect(try await AuditChainVerifier().verify(on: app.db).ok)
        }
    }

    @Test("two concurrent discharges of one admission: one 200, one 409, one admission.discharge event, one discharged_at",
          arguments: TestBackend.enabled)
    func concurrentDischarges(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "race-discharge")
            let scope = TenantScope(tenantID: t.id, db: app.db)
            let now = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
            try await app.withLiveServer { server in
                for round in 0..<Self.rounds {
                    let ward = try await ExportFixtures.ward(app, t, facility: t.f1, name: "Discharge \(round)", beds: 2)
                    let patient = try await Fixtures.patient(app, t, given: "Leaving\(round)")
                    let admission = try await ExportFixtures.admission(app, t, patient: patient, ward: ward, bed: 1,
                                                                       admittedAt: now.addingTimeInterval(-86_400))
                    let path = "/api/v1/admissions/\(admission.id!)/discharge"
                    // Different times and dispositions, so the row shows whose discharge it kept.
                    let byDoctor = jsonBody(["disposition": "home", "discharged_at": SchedulingFixtures.iso(now.addingTimeInterval(-600))])
                    let byNurse = jsonBody(["disposition": "transferred", "discharged_at": SchedulingFixtures.iso(now.addingTimeInterval(-300))])
                    let (doctor, nurse) = (t[.doctor].token, t[.nurse].token)
                    let (a, b) = try await Self.together(server, { try await $0.send(.POST, path, token: doctor, json: byDoctor) },
                                                         { try await $0.send(.POST, path, token: nurse, json: byNurse) })
                    #expect([a.status.code, b.status.code].sorted() == [200, 409], "round \(round): \(a.text) \(b.text)")
                    let winner = a.status == .ok ? a : b
                    let loser = a.status == .ok ? b : a
                    #expect(loser.headers.first(name: .contentType)?.contains("problem+json") == true)
                    let row = try #require(try await scope.find(Admission.self, admission.id!))
                    #expect(row.status == .discharged, "round \(round)")
                    #expect(row.dischargedAt.map(SchedulingFixtures.iso) == winner.json["discharged_at"] as? String, "round \(round): the winner's time")
                    #expect(row.disposition == winner.json["disposition"] as? String, "round \(round): the winner's disposition")
                    let events = try await AuditEvent.query(on: app.db).filter(\.$action == "admission.discharge")
                        .filter(\.$targetID == admission.id!.uuidString.lowercased()).count()
                    #expect(events == 1, "round \(round): one discharge event, got \(events)")
                }
            }
            #expect(try await AuditChainVerifier().verify(on: app.db).ok)
        }
    }
}
