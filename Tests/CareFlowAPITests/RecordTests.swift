@testable import CareFlowAPI
@testable import CareFlowCore
import Fluent
import Foundation
import SQLKit
import Testing
import VaporTesting

@Suite("Medical records")
struct RecordTests {
    typealias F = RecordFixtures

    static func record(_ title: String, kind: String = "diagnosis", body: String? = nil, extra: [String: Any] = [:]) -> String {
        var object: [String: Any] = ["kind": kind, "title": title, "body": body ?? "Findings for \(title): \(F.marker)"]
        for (k, v) in extra { object[k] = v }
        return jsonBody(object)
    }

    @Test("doctors and nurses write, the care team reads, pages come newest first, every read is audited", arguments: TestBackend.enabled)
    func writeAndRead(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "rec")
            let patient = try await Fixtures.patient(app, t)
            let base = "/api/v1/patients/\(patient)/records"
            let first = try await app.send(.POST, base, token: t[.doctor].token,
                                           json: Self.record("Type 2 diabetes", body: "HbA1c 8.1 %, start metformin"))
            #expect(first.status == .created, "\(first.text)")
            #expect(first.json["kind"] as? String == "diagnosis")
            #expect(first.json["title"] as? String == "Type 2 diabetes")
            #expect(first.json["body"] as? String == "HbA1c 8.1 %, start metformin")
            #expect(first.json["author_id"] as? String == t[.doctor].id.uuidString)
            #expect(first.json["shared_with_patient"] as? Bool == false)
            #expect(first.json["appointment_id"] == nil)
            let vitals = try await app.send(.POST, base, token: t[.nurse].token,
                                            json: Self.record("Vitals", kind: "vital_signs", body: "BP 150/95, pulse 88"))
            #expect(vitals.status == .created, "\(vitals.text)")
            let third = try await app.send(.POST, base, token: t[.doctor].token, json: Self.record("Allergy: penicillin", kind: "allergy"))
            let ids = [first, vitals, third].compactMap { $0.json["id"] as? String }
            #expect(ids.count == 3)

            // Newest first, two at a time.
            let page1 = try await app.send(.GET, "\(base)?limit=2", token: t[.nurse].token)
            #expect(page1.status == .ok)
            #expect(page1.items.compactMap { $0["id"] as? String } == [ids[2], ids[1]])
            let cursor = try #require(page1.json["next_cursor"] as? String)
            let page2 = try await app.send(.GET, "\(base)?limit=2&cursor=\(cursor)", token: t[.nurse].token)
            #expect(page2.items.compactMap { $0["id"] as? String } == [ids[0]])
            #expect(page2.json["next_cursor"] is NSNull)
            #expect(try await app.send(.GET, "\(base)?cursor=not-a-cursor!", token: t[.nurse].token).status == .unprocessableEntity)

            let one = try await app.send(.GET, "\(base)/\(ids[1])", token: t[.doctor].token)
            #expect(one.status == .ok)
            #expect(one.json["body"] as? String == "BP 150/95, pulse 88")
            #expect(one.json["author_id"] as? String == t[.nurse].id.uuidString)

            // Every read is a phi.read event; every write an event of its own.
            #expect(try await F.phiReads(app, patientID: patient) == ["medical_records", "medical_records", "medical_record:\(ids[1].lowercased())"])
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "medical_record.create").count() == 3)

            // At rest: sealed under the patient's own key (issue 16), no plaintext in the row.
            let rows = try await (app.db as! any SQLDatabase).raw("SELECT title_sealed, body_sealed, kind FROM medical_records").all()
            #expect(rows.count == 3)
            let cipher = try await app.services.keyring.cipher(forPatient: patient, tenantID: t.id, on: app.db)
            var bodies: [String] = []
            for row in rows {
                let title = try row.decode(column: "title_sealed", as: String.self)
                let body = try row.decode(column: "body_sealed", as: String.self)
                #expect(!title.contains("diabetes") && !body.contains("metformin") && !body.contains(F.marker))
                bodies.append(try cipher.open(Sealed<String>(token: body)))
            }
            #expect(bodies.contains("HbA1c 8.1 %, start metformin"))
        }
    }

    @Test("receptionist, billing and admins never see bodies; outside doctors 403; other tenants 404", arguments: TestBackend.enabled)
    func access(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "rec-acl")
            let other = try await Fixtures.tenant(app, slug: "rec-acl-b")
            let patient = try await Fixtures.patient(app, t)
            let secondPatient = try await Fixtures.patient(app, t, given: "Eric", family: "Mugisha")
            let foreignPatient = try await Fixtures.patient(app, other)
            let base = "/api/v1/patients/\(patient)/records"
            let hidden = try await app.send(.POST, base, token: t[.doctor].token, json: Self.record("HIV viral load"))
            let shared = try await app.send(.POST, base, token: t[.doctor].token,
                                            json: Self.record("Immunisation", kind: "immunization", extra: ["shared_with_patient": true]))
            let hiddenID = try #require(hidden.json["id"] as? String)
            let sharedID = try #require(shared.json["id"] as? String)
            let foreign = try await app.send(.POST, "/api/v1/patients/\(foreignPatient)/records", token: other[.doctor].token,
                                             json: Self.record("Foreign"))
            let foreignID = try #require(foreign.json["id"] as? String)
            let outsider = try await F.outsideDoctor(app, t)

            for (who, user) in [("receptionist", t[.receptionist]), ("billing", t[.billing]), ("facility admin", t[.facilityAdmin]),
                                ("group admin", t[.groupAdmin]), ("doctor outside the care team", outsider)] {
                let before = try await AuditEvent.query(on: app.db).filter(\.$action == "access.denied").count()
                for res in [try await app.send(.GET, base, token: user.token),
                            try await app.send(.GET, "\(base)/\(hiddenID)", token: user.token),
                            try await app.send(.POST, base, token: user.token, json: Self.record("Intrusion"))] {
                    #expect(res.status == .forbidden, "\(who): \(res.status)")
                    #expect(res.isProblem)
                    #expect(!res.text.contains(F.marker) && !res.text.contains("HIV"))
                }
                #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "access.denied").count() == before + 3, "\(who)")
            }
            // Another tenant: its patient and its record do not exist here.
            #expect(try await app.send(.GET, "/api/v1/patients/\(foreignPatient)/records", token: t[.doctor].token).status == .notFound)
            #expect(try await app.send(.POST, "/api/v1/patients/\(foreignPatient)/records", token: t[.doctor].token,
                                       json: Self.record("x")).status == .notFound)
            #expect(try await app.send(.GET, "\(base)/\(foreignID)", token: t[.doctor].token).status == .notFound)
            // A record read through another patient's path is not found either.
            #expect(try await app.send(.GET, "/api/v1/patients/\(secondPatient)/records/\(hiddenID)", token: t[.doctor].token).status == .notFound)
            #expect(try await MedicalRecord.query(on: app.db).count() == 3)

            // The patient: only what was shared with them, and no writing.
            let mine = try await app.send(.GET, base, token: t[.patient].token)
            #expect(mine.items.compactMap { $0["id"] as? String } == [sharedID])
            #expect(try await app.send(.GET, "\(base)/\(sharedID)", token: t[.patient].token).status == .ok)
            #expect(try await app.send(.GET, "\(base)/\(hiddenID)", token: t[.patient].token).status == .notFound)
            #expect(try await app.send(.POST, base, token: t[.patient].token, json: Self.record("Self-diagnosis")).status == .forbidden)
        }
    }

    @Test("a record links only to an appointment of the same patient; bad fields are all named", arguments: TestBackend.enabled)
    func appointmentsAndValidation(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "rec-appt")
            let other = try await Fixtures.tenant(app, slug: "rec-appt-b")
            let patient = try await Fixtures.patient(app, t)
            let secondPatient = try await Fixtures.patient(app, t, given: "Eric", family: "Mugisha")
            let appointment = try await F.appointment(app, t, patientID: patient)
            let otherPatientsAppointment = try await F.appointment(app, t, patientID: secondPatient, in: 48)
            let foreignAppointment = try await F.appointment(app, other, patientID: try await Fixtures.patient(app, other))
            let base = "/api/v1/patients/\(patient)/records"

            let linked = try await app.send(.POST, base, token: t[.doctor].token,
                                            json: Self.record("Consult", kind: "observation", extra: ["appointment_id": appointment.uuidString]))
            #expect(linked.status == .created, "\(linked.text)")
            #expect(linked.json["appointment_id"] as? String == appointment.uuidString)
            for bad in [otherPatientsAppointment, foreignAppointment, UUID()] {
                let res = try await app.send(.POST, base, token: t[.doctor].token,
                                             json: Self.record("Consult", extra: ["appointment_id": bad.uuidString]))
                #expect(res.status == .unprocessableEntity, "\(res.text)")
                #expect((res.json["errors"] as? [[String: Any]])?.first?["field"] as? String == "appointment_id")
            }
            let invalid = try await app.send(.POST, base, token: t[.doctor].token,
                                             json: jsonBody(["kind": "astrology", "body": "", "appointment_id": "nope", "colour": "red"]))
            #expect(invalid.status == .unprocessableEntity)
            let fields = Set((invalid.json["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String })
            #expect(fields == ["kind", "title", "body", "appointment_id", "colour"])
            #expect(try await MedicalRecord.query(on: app.db).count() == 1)
        }
    }
}
