@testable import CareFlowAPI
import CareFlowCore
import Fluent
import Foundation
import SQLKit
import Testing
import VaporTesting

@Suite("Patients")
struct PatientTests {
    static var fullPatient: [String: Any] { [
        "given_name": "María José", "family_name": "Nyirahabimana", "birth_date": "1979-02-28", "sex": "female",
        "phone": "+250788123456", "email": "MJ.Nyira@example.org", "national_id": "1 1979 8 0012345 0 12",
        "address": "KG 11 Ave, Kigali", "insurance": ["provider": "RSSB", "policy_number": "RS-778"],
        "emergency_contact": ["name": "Jean Habimana", "phone": "+250788000111", "relationship": "brother"],
        "blood_type": "AB-", "allergies": ["penicillin"], "conditions": [["code": "E11.9", "note": "type 2 diabetes"], ["code": "i10"]],
    ] }

    @Test("registration, then each role sees what PRODUCT §1 allows", arguments: TestBackend.enabled)
    func roles(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "pat")
            var body = Self.fullPatient
            body["home_facility_id"] = t.f1.id!.uuidString
            // Registering clinical content takes a clinical role too (issue 10): a receptionist who is also a nurse here.
            let desk = try await Fixtures.clinicalDesk(app, t, facility: t.f1.id!)
            let created = try await app.send(.POST, "/api/v1/patients", token: desk.token, json: jsonBody(body))
            #expect(created.status == .created, "\(created.text)")
            let id = try #require(created.json["id"] as? String)
            #expect((created.json["mrn"] as? String)?.hasPrefix("MRN") == true)
            #expect(created.json["email"] as? String == "mj.nyira@example.org")

            // The doctor is not in the care team yet.
            #expect(try await app.send(.GET, "/api/v1/patients/\(id)", token: t[.doctor].token).status == .forbidden)
            let assign = try await app.send(.POST, "/api/v1/patients/\(id)/care-team", token: t[.receptionist].token,
                                            json: jsonBody(["doctor_id": t[.doctor].id.uuidString, "kind": "primary"]))
            #expect(assign.status == .created, "\(assign.text)")
            let byDoctor = try await app.send(.GET, "/api/v1/patients/\(id)", token: t[.doctor].token)
            #expect(byDoctor.status == .ok)
            #expect(byDoctor.json["blood_type"] as? String == "AB-")
            #expect((byDoctor.json["conditions"] as? [[String: Any]])?.compactMap { $0["code"] as? String } == ["E11.9", "I10"])
            // Nurses at the home facility see clinical content too.
            #expect(try await app.send(.GET, "/api/v1/patients/\(id)", token: t[.nurse].token).json["allergies"] as? [String] == ["penicillin"])
            // Receptionists, billing and admins: demographics only.
            for role in [Role.receptionist, .billing, .facilityAdmin, .groupAdmin] {
                let res = try await app.send(.GET, "/api/v1/patients/\(id)", token: t[role].token)
                #expect(res.status == .ok, "\(role)")
                #expect(res.json["given_name"] as? String == "María José")
                for clinical in ["blood_type", "allergies", "conditions"] { #expect(res.json[clinical] == nil, "\(role) sees \(clinical)") }
            }
            // Receptionists change demographics, not clinical content.
            #expect(try await app.send(.PATCH, "/api/v1/patients/\(id)", token: t[.receptionist].token,
                                       json: jsonBody(["address": "Nyamata"])).status == .ok)
            #expect(try await app.send(.PATCH, "/api/v1/patients/\(id)", token: t[.receptionist].token,
                                       json: jsonBody(["allergies": []])).status == .forbidden)
            let patched = try await app.send(.PATCH, "/api/v1/patients/\(id)", token: t[.doctor].token,
                                             json: jsonBody(["allergies": ["latex"], "conditions": [["code": "J45"]]]))
            #expect(patched.json["allergies"] as? [String] == ["latex"])
            #expect(patched.json["address"] as? String == "Nyamata")
            // Every read is in the audit trail.
            let reads = try await AuditEvent.query(on: app.db).filter(\.$action == "phi.read").filter(\.$targetID == id.lowercased()).count()
            #expect(reads == 6)
            // The doctor's list.
            let mine = try await app.send(.GET, "/api/v1/doctors/me/patients", token: t[.doctor].token)
            #expect((mine.json["items"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == [id])
            // Soft delete.
            #expect(try await app.send(.DELETE, "/api/v1/patients/\(id)", token: t[.facilityAdmin].token).status == .noContent)
            #expect(try await app.send(.GET, "/api/v1/patients/\(id)", token: t[.groupAdmin].token).status == .notFound)
        }
    }

    @Test("search by MRN, phone, national id, email and name words, with filters and pages", arguments: TestBackend.enabled)
    func search(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "find")
            var body = Self.fullPatient
            body["home_facility_id"] = t.f2.id!.uuidString
            let desk = try await Fixtures.clinicalDesk(app, t, facility: t.f2.id!)
            let created = try await app.send(.POST, "/api/v1/patients", token: desk.token, json: jsonBody(body))
            let id = try #require(created.json["id"] as? String)
            let mrn = try #require(created.json["mrn"] as? String)
            for i in 0..<7 {
                _ = try await Fixtures.patient(app, t, given: "Other\(i)", family: "Person", nationalID: "NID-\(i)", phone: "+25078800\(1000 + i)")
            }
            let token = t[.receptionist].token
            func ids(_ query: String, as caller: String? = nil) async throws -> [String] {
                let res = try await app.send(.GET, "/api/v1/patients?\(query)", token: caller ?? token)
                #expect(res.status == .ok, "\(query): \(res.text)")
                return (res.json["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            }
            #expect(try await ids("mrn=\(mrn.lowercased())") == [id])
            #expect(try await ids("phone=%2B250%20788%20123%20456") == [id])
            #expect(try await ids("national_id=1197980012345012") == [id])
            #expect(try await ids("email=mj.nyira@EXAMPLE.org") == [id])
            #expect(try await ids("name=maria%20NYIRAHABIMANA") == [id])
            #expect(try await ids("name=jose") == [id])
            #expect(try await ids("name=maria%20person").isEmpty)
            // Diagnoses are matched for callers who may read them (issue 10).
            #expect(try await ids("condition=E11.9", as: desk.token) == [id])
            #expect(try await ids("facility_id=\(t.f2.id!)") == [id])
            #expect(try await ids("sex=female&birth_year_from=1979&birth_year_to=1979") == [id])
            #expect(try await ids("doctor_id=\(t[.doctor].id)&limit=100").count == 7)
            // Pages.
            var seen: [String] = []
            var cursor: String? = nil
            repeat {
                let res = try await app.send(.GET, "/api/v1/patients?limit=3" + (cursor.map { "&cursor=\($0)" } ?? ""), token: token)
                seen += (res.json["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
                cursor = res.json["next_cursor"] as? String
            } while cursor != nil
            #expect(seen.count == 8 && Set(seen).count == 8)
            // A nurse of f1 does not find the f2 patient; the f1 patients she does.
            let nurse = try await app.send(.GET, "/api/v1/patients?limit=100", token: t[.nurse].token)
            let nurseIDs = (nurse.json["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            #expect(nurseIDs.count == 7 && !nurseIDs.contains(id))
            // Bad filters are all named.
            let bad = try await app.send(.GET, "/api/v1/patients?sex=x&condition=hello&age_min=-1&facility_id=1", token: token)
            #expect(bad.status == .unprocessableEntity)
            #expect(Set((bad.json["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String }) == ["sex", "condition", "age_min", "facility_id"])
            // No plaintext of the patient reaches the database.
            let sql = app.db as! any SQLDatabase
            let rows = try await sql.raw("SELECT * FROM patients").all()
            #expect(rows.count == 8)
            let columns = ["mrn_sealed", "given_name_sealed", "family_name_sealed", "phone_sealed", "email_sealed", "national_id_sealed", "details_sealed"]
            for row in rows {
                for c in columns {
                    let v = try row.decode(column: c, as: String?.self) ?? ""
                    for needle in ["Nyira", "María", "788123456", "RSSB", "penicillin", mrn] { #expect(!v.contains(needle)) }
                }
            }
        }
    }

    @Test("validation names every bad field; duplicates of a national id conflict", arguments: TestBackend.enabled)
    func validation(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "val")
            let bad = try await app.send(.POST, "/api/v1/patients", token: t[.groupAdmin].token, json: jsonBody([
                "given_name": "", "sex": "robot", "birth_date": "2019-02-30", "phone": "0788", "blood_type": "C+",
                "conditions": [["code": "hypertension"], "x"], "insurance": ["provider": "RSSB"], "emergency_contact": 5,
                "home_facility_id": "nope", "favourite_colour": "blue",
            ]))
            #expect(bad.status == .unprocessableEntity)
            let fields = Set((bad.json["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String })
            #expect(fields == ["given_name", "family_name", "sex", "birth_date", "phone", "blood_type", "conditions[0].code", "conditions[1]",
                               "insurance.policy_number", "emergency_contact", "home_facility_id", "favourite_colour"])
            // Without a home facility, a receptionist registers at her own facility.
            let desk = try await app.send(.POST, "/api/v1/patients", token: t[.receptionist].token,
                                          json: jsonBody(["given_name": "C", "family_name": "D", "sex": "female"]))
            #expect(desk.status == .created)
            #expect(desk.json["home_facility_id"] as? String == t.f1.id!.uuidString)
            let ok = ["given_name": "A", "family_name": "B", "sex": "male", "national_id": "X-1"]
            #expect(try await app.send(.POST, "/api/v1/patients", token: t[.groupAdmin].token, json: jsonBody(ok)).status == .created)
            #expect(try await app.send(.POST, "/api/v1/patients", token: t[.groupAdmin].token, json: jsonBody(ok)).status == .conflict)
            // Another tenant's facility as home facility.
            let other = try await Fixtures.tenant(app, slug: "val-b")
            let foreign = try await app.send(.POST, "/api/v1/patients", token: t[.groupAdmin].token,
                                             json: jsonBody(["given_name": "A", "family_name": "B", "sex": "male", "home_facility_id": other.f1.id!.uuidString]))
            #expect(foreign.status == .unprocessableEntity)
        }
    }

    @Test("another tenant's patient is 404 on every patient route", arguments: TestBackend.enabled)
    func isolation(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let a = try await Fixtures.tenant(app, slug: "pa")
            let b = try await Fixtures.tenant(app, slug: "pb")
            let theirs = try await Fixtures.patient(app, b)
            for (method, path, json) in [
                (HTTPMethod.GET, "/api/v1/patients/\(theirs)", nil as String?),
                (.PATCH, "/api/v1/patients/\(theirs)", jsonBody(["address": "x"])),
                (.DELETE, "/api/v1/patients/\(theirs)", nil),
                (.GET, "/api/v1/patients/\(theirs)/care-team", nil),
                (.POST, "/api/v1/patients/\(theirs)/care-team", jsonBody(["doctor_id": a[.doctor].id.uuidString, "kind": "primary"])),
            ] {
                let res = try await app.send(method, path, token: a[.groupAdmin].token, json: json)
                #expect(res.status == .notFound, "\(method) \(path): \(res.status)")
            }
            let list = try await app.send(.GET, "/api/v1/patients?limit=200", token: a[.groupAdmin].token)
            #expect((list.json["items"] as? [[String: Any]])?.isEmpty == true)
        }
    }

    @Test("the seed contract POST /api/patients/ keeps working", arguments: TestBackend.enabled)
    func seedContract(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "seed")
            // A diagnosis and blood type are clinical content: a receptionist who is also a nurse here.
            let desk = try await Fixtures.clinicalDesk(app, t, facility: t.f1.id!)
            let res = try await app.send(.POST, "/api/patients/", token: desk.token,
                                         json: #"{"name":"John Doe","age":45,"gender":"male","blood_type":"O+","diagnosis":"Hypertension"}"#)
            #expect(res.status == .created, "\(res.text)")
            #expect(res.json["name"] as? String == "John Doe")
            #expect(res.json["age"] as? Int == 45)
            #expect(res.json["gender"] as? String == "male")
            #expect(res.json["blood_type"] as? String == "O+")
            #expect(res.json["diagnosis"] as? String == "Hypertension")
            let id = try #require(res.json["id"] as? String)
            let view = try await app.send(.GET, "/api/v1/patients/\(id)", token: t[.groupAdmin].token)
            #expect(view.json["family_name"] as? String == "Doe")
            #expect(view.json["birth_year"] as? Int == Calendar(identifier: .gregorian).component(.year, from: Date()) - 45)
            let bad = try await app.send(.POST, "/api/patients/", token: t[.receptionist].token, json: #"{"name":"X","age":"old","gender":"m"}"#)
            #expect(bad.status == .unprocessableEntity)
            #expect(Set((bad.json["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String }) == ["age", "gender"])
        }
    }

    @Test("a patient chooses their primary doctor only where the tenant allows it", arguments: TestBackend.enabled)
    func chooseDoctor(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "choose")
            let patientID = try await Fixtures.patient(app, t)
            let other = try await Fixtures.user(app, tenant: t.tenant, email: "dr-two@choose.test", role: .doctor, facility: t.f2.id)
            let path = "/api/v1/patients/\(patientID)/primary-doctor"
            let choice = jsonBody(["doctor_id": other.id.uuidString])
            // Off by default.
            let refused = try await app.send(.POST, path, token: t[.patient].token, json: choice)
            #expect(refused.status == .forbidden, "\(refused.text)")
            #expect(refused.text.contains("choose their doctor"))

            var config = try #require(app.services.tenants[t.tenant.slug])
            config.patientsChooseDoctor = true
            try app.services.tenants.register(config, writeFile: false)
            // Only doctors of this tenant can be chosen.
            let notADoctor = try await app.send(.POST, path, token: t[.patient].token,
                                                json: jsonBody(["doctor_id": t[.nurse].id.uuidString]))
            #expect(notADoctor.status == .unprocessableEntity)
            #expect(try await app.send(.GET, "/api/v1/patients/\(patientID)", token: other.token).status == .forbidden)
            let chosen = try await app.send(.POST, path, token: t[.patient].token, json: choice)
            #expect(chosen.status == .created, "\(chosen.text)")
            // The chosen doctor now reads the patient; the previous primary doctor stepped down.
            #expect(try await app.send(.GET, "/api/v1/patients/\(patientID)", token: other.token).status == .ok)
            #expect(try await app.send(.GET, "/api/v1/patients/\(patientID)", token: t[.doctor].token).status == .forbidden)
            // Nobody chooses for someone else: another patient's record is not theirs.
            let stranger = try await Fixtures.user(app, tenant: t.tenant, email: "p2@choose.test", role: .patient, facility: nil)
            #expect(try await app.send(.POST, path, token: stranger.token, json: choice).status == .forbidden)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "care_relationship.choose").count() == 1)
        }
    }

    @Test("the list sorts by registration order, oldest or newest first", arguments: TestBackend.enabled)
    func sortByRegistration(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "sorted")
            var registered: [String] = []
            for i in 0..<5 {
                let res = try await app.send(.POST, "/api/v1/patients", token: t[.receptionist].token,
                                             json: jsonBody(["given_name": "P\(i)", "family_name": "Order", "sex": "male"]))
                registered.append(try #require(res.json["id"] as? String))
                try await Task.sleep(for: .milliseconds(3))
            }
            func ids(_ sort: String) async throws -> [String] {
                var out: [String] = [], cursor: String? = nil
                repeat {
                    let res = try await app.send(.GET, "/api/v1/patients?sort=\(sort)&limit=2" + (cursor.map { "&cursor=\($0)" } ?? ""),
                                                 token: t[.receptionist].token)
                    #expect(res.status == .ok, "\(res.text)")
                    out += (res.json["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
                    cursor = res.json["next_cursor"] as? String
                } while cursor != nil
                return out
            }
            #expect(try await ids("created_at") == registered)
            #expect(try await ids("-created_at") == registered.reversed())
            #expect(try await app.send(.GET, "/api/v1/patients?sort=name", token: t[.receptionist].token).status == .unprocessableEntity)
        }
    }
}
