@testable import CareFlowAPI
@testable import CareFlowCore
import Fluent
import Foundation
import SQLKit
import Testing
import VaporTesting

@Suite("Visit notes")
struct NoteTests {
    typealias F = RecordFixtures

    @Test("only doctors of the care team write notes; clinical readers read them, audited; sealed at rest", arguments: TestBackend.enabled)
    func notes(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "notes")
            let other = try await Fixtures.tenant(app, slug: "notes-b")
            let patient = try await Fixtures.patient(app, t)
            let foreignPatient = try await Fixtures.patient(app, other)
            let appointment = try await F.appointment(app, t, patientID: patient)
            let base = "/api/v1/patients/\(patient)/notes"
            let text = "Patient reports dizziness. Reduce amlodipine to 5 mg, review in 2 weeks. \(F.marker)"

            let created = try await app.send(.POST, base, token: t[.doctor].token,
                                             json: jsonBody(["body": text, "appointment_id": appointment.uuidString]))
            #expect(created.status == .created, "\(created.text)")
            #expect(created.json["body"] as? String == text)
            #expect(created.json["appointment_id"] as? String == appointment.uuidString)
            let id = try #require(created.json["id"] as? String)
            let sharedNote = try await app.send(.POST, base, token: t[.doctor].token,
                                                json: jsonBody(["body": "Keep walking daily.", "shared_with_patient": true]))
            let sharedID = try #require(sharedNote.json["id"] as? String)

            // Nurses read notes but do not write them; nor does anyone outside the care team.
            let outsider = try await F.outsideDoctor(app, t)
            for user in [t[.nurse], outsider, t[.receptionist], t[.patient]] {
                let res = try await app.send(.POST, base, token: user.token, json: jsonBody(["body": "x"]))
                #expect(res.status == .forbidden, "\(user.role) \(res.status)")
            }
            let byNurse = try await app.send(.GET, base, token: t[.nurse].token)
            #expect(byNurse.items.compactMap { $0["id"] as? String } == [sharedID, id])
            #expect(try await app.send(.GET, "\(base)/\(id)", token: t[.doctor].token).json["body"] as? String == text)
            for user in [t[.receptionist], t[.billing], t[.facilityAdmin], t[.groupAdmin], outsider] {
                for path in [base, "\(base)/\(id)"] {
                    let res = try await app.send(.GET, path, token: user.token)
                    #expect(res.status == .forbidden, "\(user.email) \(path)")
                    #expect(!res.text.contains("amlodipine"))
                }
            }
            // The patient sees the note shared with them only.
            #expect(try await app.send(.GET, base, token: t[.patient].token).items.compactMap { $0["id"] as? String } == [sharedID])
            #expect(try await app.send(.GET, "\(base)/\(id)", token: t[.patient].token).status == .notFound)
            // Other tenants.
            #expect(try await app.send(.GET, "/api/v1/patients/\(foreignPatient)/notes", token: t[.doctor].token).status == .notFound)
            #expect(try await app.send(.POST, "/api/v1/patients/\(foreignPatient)/notes", token: t[.doctor].token,
                                       json: jsonBody(["body": "x"])).status == .notFound)

            #expect(try await F.phiReads(app, patientID: patient) == ["visit_notes", "visit_note:\(id.lowercased())", "visit_notes"])
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "visit_note.create").count() == 2)
            let sealed = try await (app.db as! any SQLDatabase).raw("SELECT body_sealed FROM visit_notes").all()
                .map { try $0.decode(column: "body_sealed", as: String.self) }
            #expect(sealed.count == 2)
            #expect(sealed.allSatisfy { !$0.contains("amlodipine") && !$0.contains(F.marker) && $0.hasPrefix("gAAAAA") })
        }
    }
}
