@testable import CareFlowAPI
@testable import CareFlowCore
import Fluent
import Foundation
import SQLKit
import Testing
import VaporTesting

/// Wards, admissions and discharges (issue 14), on SQLite and PostgreSQL. Expectations come from
/// the issue: one patient per bed and one bed per patient, also under concurrency; reason and
/// summary sealed and shown only to clinical readers; facility reach as elsewhere.
@Suite("Admissions")
struct AdmissionTests {
    static func wardsPath(_ facility: UUID) -> String { "/api/v1/facilities/\(facility)/wards" }
    static func admitPath(_ patient: UUID) -> String { "/api/v1/patients/\(patient)/admissions" }

    static func admission(facility: UUID, ward: UUID, bed: Int? = nil, admittedAt: String? = nil,
                          reason: String = "Community-acquired pneumonia") -> String {
        var body: [String: Any] = ["facility_id": facility.uuidString, "ward_id": ward.uuidString, "reason": reason]
        if let bed { body["bed"] = bed }
        if let admittedAt { body["admitted_at"] = admittedAt }
        return jsonBody(body)
    }

    static func iso(_ date: Date) -> String { SchedulingFixtures.iso(date) }

    /// A ward made through the API by the group admin.
    static func ward(_ app: Application, _ t: TestTenant, facility: UUID? = nil, name: String = "General", beds: Int) async throws -> UUID {
        let res = try await app.send(.POST, wardsPath(facility ?? t.f1.id!), token: t[.groupAdmin].token,
                                     json: jsonBody(["name": name, "beds": beds]))
        #expect(res.status == .created, "\(res.text)")
        return try #require(UUID(uuidString: res.json["id"] as? String ?? ""))
    }

    static func fields(_ res: TestingHTTPResponse) -> Set<String> {
        Set((res.json["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String })
    }

    static func wardRow(_ res: TestingHTTPResponse, _ id: UUID) -> [String: Any]? {
        (res.json["items"] as? [[String: Any]])?.first { ($0["id"] as? String)?.lowercased() == id.uuidString.lowercased() }
    }

    /// A patient of `t` whose record is not linked to the patient account, at home in `home` (f1 by default).
    static func unlinkedPatient(_ app: Application, _ t: TestTenant, home: UUID? = nil) async throws -> UUID {
        let id = try await Fixtures.patient(app, t, given: "Unlinked")
        let scope = TenantScope(tenantID: t.id, db: app.db)
        let patient = try await scope.require(Patient.self, id, name: "Patient")
        patient.userID = nil
        if let home { patient.homeFacilityID = home }
        try await scope.update(patient)
        return id
    }

    static func count(_ app: Application, _ action: String) async throws -> Int {
        try await AuditEvent.query(on: app.db).filter(\.$action == action).count()
    }

    @Test("wards: created, listed with occupied and free beds; names unique per facility; every bad field named",
          arguments: TestBackend.enabled)
    func wards(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "wards")
            let path = Self.wardsPath(t.f1.id!)
            let created = try await app.send(.POST, path, token: t[.facilityAdmin].token, json: jsonBody(["name": "Maternity", "beds": 3]))
            #expect(created.status == .created, "\(created.text)")
            #expect(created.json["name"] as? String == "Maternity" && created.json["beds"] as? Int == 3)
            #expect(created.json["occupied"] as? Int == 0 && created.json["free"] as? Int == 3)
            let wardID = try #require(UUID(uuidString: created.json["id"] as? String ?? ""))
            #expect(try await Self.count(app, "ward.create") == 1)

            // Same name in the same facility: 409; in the other facility: fine.
            let again = try await app.send(.POST, path, token: t[.groupAdmin].token, json: jsonBody(["name": "Maternity", "beds": 5]))
            #expect(again.status == .conflict && again.isProblem, "\(again.text)")
            let elsewhere = try await app.send(.POST, Self.wardsPath(t.f2.id!), token: t[.groupAdmin].token,
                                               json: jsonBody(["name": "Maternity", "beds": 5]))
            #expect(elsewhere.status == .created)

            // Validation: name 1–100 characters, beds 1–500, both required.
            for (body, field) in [
                (jsonBody(["name": "", "beds": 3]), "name"), (jsonBody(["name": String(repeating: "w", count: 101), "beds": 3]), "name"),
                (jsonBody(["name": "A", "beds": 0]), "beds"), (jsonBody(["name": "A", "beds": 501]), "beds"),
                (jsonBody(["name": "A", "beds": "ten"]), "beds"), (jsonBody(["beds": 3]), "name"), (jsonBody(["name": "A"]), "beds"),
                (jsonBody(["name": "A", "beds": 2.5]), "beds"), (jsonBody(["name": "A", "beds": 2, "floor": 3]), "floor"),
            ] {
                let res = try await app.send(.POST, path, token: t[.groupAdmin].token, json: body)
                #expect(res.status == .unprocessableEntity && res.isProblem, "\(body): \(res.status)")
                #expect(Self.fields(res) == [field], "\(body): \(res.text)")
            }
            let both = try await app.send(.POST, path, token: t[.groupAdmin].token, json: jsonBody(["name": 7, "beds": -1]))
            #expect(Self.fields(both) == ["name", "beds"])

            // Admit two patients (beds 1 and 3): the list counts them.
            let p1 = try await Fixtures.patient(app, t, given: "One")
            let p2 = try await Fixtures.patient(app, t, given: "Two")
            #expect(try await app.send(.POST, Self.admitPath(p1), token: t[.doctor].token,
                                       json: Self.admission(facility: t.f1.id!, ward: wardID, bed: 1)).status == .created)
            #expect(try await app.send(.POST, Self.admitPath(p2), token: t[.nurse].token,
                                       json: Self.admission(facility: t.f1.id!, ward: wardID, bed: 3)).status == .created)
            let list = try await app.send(.GET, path, token: t[.receptionist].token)
            #expect(list.status == .ok)
            let row = try #require(Self.wardRow(list, wardID))
            #expect(row["beds"] as? Int == 3 && row["occupied"] as? Int == 2 && row["free"] as? Int == 1)
            #expect((list.json["items"] as? [[String: Any]])?.count == 1, "only f1's wards")

            // Shrinking below the occupied bed 3: 409; growing and renaming: fine.
            let shrink = try await app.send(.PATCH, "\(path)/\(wardID)", token: t[.facilityAdmin].token, json: jsonBody(["beds": 2]))
            #expect(shrink.status == .conflict && shrink.isProblem, "\(shrink.text)")
            let grow = try await app.send(.PATCH, "\(path)/\(wardID)", token: t[.facilityAdmin].token,
                                          json: jsonBody(["beds": 6, "name": "Maternity A"]))
            #expect(grow.status == .ok && grow.json["beds"] as? Int == 6 && grow.json["name"] as? String == "Maternity A", "\(grow.text)")
            #expect(grow.json["occupied"] as? Int == 2 && grow.json["free"] as? Int == 4)
            let empty = try await app.send(.PATCH, "\(path)/\(wardID)", token: t[.facilityAdmin].token, json: "{}")
            #expect(empty.status == .unprocessableEntity)
            let taken = try await app.send(.PATCH, "\(path)/\(wardID)", token: t[.groupAdmin].token,
                                           json: jsonBody(["name": "Maternity"]))
            #expect(taken.status == .ok, "the old name is free again: \(taken.text)")

            // Reach: f1's facility admin cannot add wards at f2 or read them; another tenant's facility is not found.
            let f2 = try await app.send(.POST, Self.wardsPath(t.f2.id!), token: t[.facilityAdmin].token,
                                        json: jsonBody(["name": "Surgery", "beds": 3]))
            #expect(f2.status == .forbidden && f2.isProblem)
            #expect(try await app.send(.GET, Self.wardsPath(t.f2.id!), token: t[.doctor].token).status == .forbidden)
            let other = try await Fixtures.tenant(app, slug: "wards-other")
            #expect(try await app.send(.GET, Self.wardsPath(other.f1.id!), token: t[.groupAdmin].token).status == .notFound)
            #expect(try await app.send(.PATCH, "\(Self.wardsPath(other.f1.id!))/\(wardID)", token: t[.groupAdmin].token,
                                       json: jsonBody(["beds": 9])).status == .notFound)
            // A ward of f1 addressed under f2: not found there.
            #expect(try await app.send(.PATCH, "\(Self.wardsPath(t.f2.id!))/\(wardID)", token: t[.groupAdmin].token,
                                       json: jsonBody(["beds": 9])).status == .notFound)
        }
    }

    @Test("admit, read, discharge: the bed is free again at once; reason and summary only for clinical readers; audited",
          arguments: TestBackend.enabled)
    func flow(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "adm-flow")
            let ward = try await Self.ward(app, t, beds: 4)
            let patient = try await Fixtures.patient(app, t)
            let reason = "Pneumonia, needs IV antibiotics"
            let admittedAt = Date().addingTimeInterval(-2 * 3600).rounded()
            let admitted = try await app.send(.POST, Self.admitPath(patient), token: t[.doctor].token,
                                              json: Self.admission(facility: t.f1.id!, ward: ward, bed: 2, admittedAt: Self.iso(admittedAt), reason: reason))
            #expect(admitted.status == .created, "\(admitted.text)")
            #expect(admitted.json["status"] as? String == "current" && admitted.json["bed"] as? Int == 2)
            #expect(admitted.json["admitted_at"] as? String == Self.iso(admittedAt))
            #expect(admitted.json["reason"] as? String == reason)
            #expect(admitted.json["discharged_at"] is NSNull)
            let id = try #require(admitted.json["id"] as? String)

            // Who sees the reason: the doctor, the facility's nurse, the patient; not reception or billing.
            for (role, shows) in [(Role.doctor, true), (.nurse, true), (.patient, true), (.receptionist, false), (.billing, false),
                                  (.facilityAdmin, false), (.groupAdmin, false)] {
                let res = try await app.send(.GET, "/api/v1/admissions/\(id)", token: t[role].token)
                #expect(res.status == .ok, "\(role.rawValue): \(res.status)")
                #expect((res.json["reason"] as? String == reason) == shows, "\(role.rawValue): \(res.text)")
                #expect(res.json.keys.contains("reason") == shows && res.json.keys.contains("summary") == shows, "\(role.rawValue)")
                #expect(res.json["bed"] as? Int == 2)
            }
            let reads = try await AuditEvent.query(on: app.db).filter(\.$action == "admission.read").all()
            #expect(reads.count == 7)

            // Occupied in the ward list, then discharged by the nurse: free at once.
            let before = try #require(Self.wardRow(try await app.send(.GET, Self.wardsPath(t.f1.id!), token: t[.nurse].token), ward))
            #expect(before["occupied"] as? Int == 1)
            let dischargedAt = Date().addingTimeInterval(-60).rounded()
            let summary = "Afebrile for 48 hours, switched to oral"
            let discharged = try await app.send(.POST, "/api/v1/admissions/\(id)/discharge", token: t[.nurse].token,
                                                json: jsonBody(["disposition": "home", "summary": summary, "discharged_at": Self.iso(dischargedAt)]))
            #expect(discharged.status == .ok, "\(discharged.text)")
            #expect(discharged.json["status"] as? String == "discharged" && discharged.json["disposition"] as? String == "home")
            #expect(discharged.json["discharged_at"] as? String == Self.iso(dischargedAt))
            #expect(discharged.json["summary"] as? String == summary)
            #expect((discharged.json["discharged_by"] as? String)?.lowercased() == t[.nurse].id.uuidString.lowercased())
            let after = try #require(Self.wardRow(try await app.send(.GET, Self.wardsPath(t.f1.id!), token: t[.nurse].token), ward))
            #expect(after["occupied"] as? Int == 0 && after["free"] as? Int == 4)
            let reception = try await app.send(.GET, "/api/v1/admissions/\(id)", token: t[.receptionist].token)
            #expect(!reception.json.keys.contains("summary") && reception.json["disposition"] as? String == "home")

            // Discharging again: 409. The same bed and the same patient can be admitted again.
            let twice = try await app.send(.POST, "/api/v1/admissions/\(id)/discharge", token: t[.doctor].token,
                                           json: jsonBody(["disposition": "home"]))
            #expect(twice.status == .conflict && twice.isProblem)
            let other = try await Fixtures.patient(app, t, given: "Next")
            #expect(try await app.send(.POST, Self.admitPath(other), token: t[.doctor].token,
                                       json: Self.admission(facility: t.f1.id!, ward: ward, bed: 2)).status == .created)
            #expect(try await app.send(.POST, Self.admitPath(patient), token: t[.doctor].token,
                                       json: Self.admission(facility: t.f1.id!, ward: ward, bed: 3)).status == .created)

            // Audit: one create per admission, one discharge, no PHI in the details.
            #expect(try await Self.count(app, "admission.create") == 3)
            let events = try await AuditEvent.query(on: app.db).filter(\.$action ~~ ["admission.create", "admission.discharge", "admission.read"]).all()
            #expect(events.count == 3 + 1 + 8)
            for event in events {
                let details = String(describing: event.details)
                #expect(!details.contains("Pneumonia") && !details.contains("Afebrile") && !details.contains("Aline"), "\(details)")
            }
            let discharge = try #require(try await AuditEvent.query(on: app.db).filter(\.$action == "admission.discharge").first())
            #expect(discharge.targetID == id.lowercased())
        }
    }

    @Test("admission rules: every bad field named; one bed per patient and one patient per bed; lowest free bed; discharge times",
          arguments: TestBackend.enabled)
    func rules(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "adm-rules")
            let ward = try await Self.ward(app, t, beds: 3)
            let f2Ward = try await Self.ward(app, t, facility: t.f2.id!, name: "Other", beds: 3)
            let patient = try await Fixtures.patient(app, t)
            let doctor = t[.doctor].token
            let f1 = t.f1.id!
            let soon = Self.iso(Date().addingTimeInterval(3600))
            for (body, field) in [
                (jsonBody(["facility_id": f1.uuidString, "ward_id": ward.uuidString]), "reason"),
                (Self.admission(facility: f1, ward: ward, reason: "   "), "reason"),
                (Self.admission(facility: f1, ward: ward, reason: String(repeating: "r", count: 2001)), "reason"),
                (Self.admission(facility: f1, ward: ward, bed: 0), "bed"),
                (Self.admission(facility: f1, ward: ward, bed: 4), "bed"),
                (Self.admission(facility: f1, ward: ward, admittedAt: soon), "admitted_at"),
                (Self.admission(facility: f1, ward: ward, admittedAt: "yesterday"), "admitted_at"),
                (Self.admission(facility: f1, ward: f2Ward), "ward_id"),
                (jsonBody(["facility_id": f1.uuidString, "ward_id": "bed-7", "reason": "x"]), "ward_id"),
                (jsonBody(["ward_id": ward.uuidString, "reason": "x"]), "facility_id"),
            ] {
                let res = try await app.send(.POST, Self.admitPath(patient), token: doctor, json: body)
                #expect(res.status == .unprocessableEntity && res.isProblem, "\(body): \(res.status) \(res.text)")
                #expect(Self.fields(res) == [field], "\(body): \(res.text)")
            }
            // A reason of exactly 2000 characters, admitted a minute ahead (clock skew), is fine.
            let ok = try await app.send(.POST, Self.admitPath(patient), token: doctor,
                                        json: Self.admission(facility: f1, ward: ward, bed: 2, admittedAt: Self.iso(Date().addingTimeInterval(60)),
                                                             reason: String(repeating: "r", count: 2000)))
            #expect(ok.status == .created, "\(ok.text)")
            let admissionID = try #require(ok.json["id"] as? String)

            // Already admitted (even to another bed): 409. Bed 2 taken: 409.
            let again = try await app.send(.POST, Self.admitPath(patient), token: doctor, json: Self.admission(facility: f1, ward: ward, bed: 1))
            #expect(again.status == .conflict && again.isProblem)
            let second = try await Fixtures.patient(app, t, given: "Second")
            let clash = try await app.send(.POST, Self.admitPath(second), token: doctor, json: Self.admission(facility: f1, ward: ward, bed: 2))
            #expect(clash.status == .conflict && clash.isProblem)

            // No bed given: the lowest free one (1, then 3), then the ward is full (409).
            let first = try await app.send(.POST, Self.admitPath(second), token: t[.nurse].token, json: Self.admission(facility: f1, ward: ward))
            #expect(first.status == .created && first.json["bed"] as? Int == 1, "\(first.text)")
            let third = try await Fixtures.patient(app, t, given: "Third")
            let next = try await app.send(.POST, Self.admitPath(third), token: doctor, json: Self.admission(facility: f1, ward: ward))
            #expect(next.json["bed"] as? Int == 3, "\(next.text)")
            let fourth = try await Fixtures.patient(app, t, given: "Fourth")
            let full = try await app.send(.POST, Self.admitPath(fourth), token: doctor, json: Self.admission(facility: f1, ward: ward))
            #expect(full.status == .conflict && full.isProblem, "\(full.text)")
            #expect(try await TenantScope(tenantID: t.id, db: app.db).query(Admission.self).filter(\.$status == .current).count() == 3)

            // Discharge: disposition from the documented set; not before admission, not in the future.
            let discharge = "/api/v1/admissions/\(admissionID)/discharge"
            for (body, field) in [
                (jsonBody(["disposition": "escaped"]), "disposition"), (jsonBody([:]), "disposition"),
                (jsonBody(["disposition": "home", "discharged_at": Self.iso(Date().addingTimeInterval(-86_400))]), "discharged_at"),
                (jsonBody(["disposition": "home", "discharged_at": soon]), "discharged_at"),
                (jsonBody(["disposition": "home", "summary": String(repeating: "s", count: 4001)]), "summary"),
            ] {
                let res = try await app.send(.POST, discharge, token: doctor, json: body)
                #expect(res.status == .unprocessableEntity && res.isProblem, "\(body): \(res.status)")
                #expect(Self.fields(res) == [field], "\(body): \(res.text)")
            }
            #expect(try await TenantScope(tenantID: t.id, db: app.db).query(Admission.self).filter(\.$status == .current).count() == 3,
                    "nothing half-written by the refused discharges")
            for disposition in Disposition.allCases.map(\.rawValue) where disposition != "home" {
                #expect(["transferred", "against_medical_advice", "deceased", "other"].contains(disposition))
            }
            // Admitted a minute ahead: discharged two minutes ahead is within the same clock skew and after admission.
            let done = try await app.send(.POST, discharge, token: doctor,
                                          json: jsonBody(["disposition": "against_medical_advice",
                                                          "discharged_at": Self.iso(Date().addingTimeInterval(120))]))
            #expect(done.status == .ok && done.json["disposition"] as? String == "against_medical_advice" && done.json["summary"] is NSNull,
                    "\(done.text)")
        }
    }

    @Test("a back-entered admission may not overlap a recorded stay of the patient or of the bed", arguments: TestBackend.enabled)
    func backEntry(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "adm-back")
            let ward = try await Self.ward(app, t, beds: 2)
            let patient = try await Fixtures.patient(app, t)
            let now = Date().rounded()
            let first = try await app.send(.POST, Self.admitPath(patient), token: t[.doctor].token,
                                           json: Self.admission(facility: t.f1.id!, ward: ward, bed: 1,
                                                                admittedAt: Self.iso(now.addingTimeInterval(-10 * 3600))))
            let id = try #require(first.json["id"] as? String)
            #expect(try await app.send(.POST, "/api/v1/admissions/\(id)/discharge", token: t[.doctor].token,
                                       json: jsonBody(["disposition": "home", "discharged_at": Self.iso(now.addingTimeInterval(-2 * 3600))])).status == .ok)
            let during = Self.iso(now.addingTimeInterval(-5 * 3600))
            // The same patient back-entered inside the recorded stay: 409.
            let overlap = try await app.send(.POST, Self.admitPath(patient), token: t[.doctor].token,
                                             json: Self.admission(facility: t.f1.id!, ward: ward, bed: 2, admittedAt: during))
            #expect(overlap.status == .conflict && overlap.isProblem, "\(overlap.text)")
            // Another patient in bed 1 during that stay: 409; without a bed, bed 2 is taken instead.
            let other = try await Fixtures.patient(app, t, given: "Other")
            let bed1 = try await app.send(.POST, Self.admitPath(other), token: t[.doctor].token,
                                          json: Self.admission(facility: t.f1.id!, ward: ward, bed: 1, admittedAt: during))
            #expect(bed1.status == .conflict && bed1.isProblem, "\(bed1.text)")
            let chosen = try await app.send(.POST, Self.admitPath(other), token: t[.doctor].token,
                                            json: Self.admission(facility: t.f1.id!, ward: ward, admittedAt: during))
            #expect(chosen.status == .created && chosen.json["bed"] as? Int == 2, "\(chosen.text)")
            // After the stay ended, the patient may be admitted again (bed 1 is free).
            let later = try await app.send(.POST, Self.admitPath(patient), token: t[.doctor].token,
                                           json: Self.admission(facility: t.f1.id!, ward: ward, admittedAt: Self.iso(now.addingTimeInterval(-3600))))
            #expect(later.status == .created && later.json["bed"] as? Int == 1, "\(later.text)")
        }
    }

    @Test("a demo tenant's facilities get two wards each when it is onboarded from its file", arguments: TestBackend.enabled)
    func demoWards(backend: TestBackend) async throws {
        let file = """
            slug: adm-demo
            name: Demo Wards
            timezone: Africa/Kigali
            demo: true
            facilities:
              - {code: demo-a, name: Demo A}
              - {code: demo-b, name: Demo B}
            """
        try await withCareFlow(backend, tenantFiles: ["adm-demo.yaml": file]) { app in
            _ = try await TenantSynchronizer(app: app).run()
            let tenant = try #require(try await Tenant.find(slug: "adm-demo", on: app.db))
            let scope = TenantScope(tenantID: tenant.id!, db: app.db)
            let facilities = try await scope.query(Facility.self).all()
            #expect(facilities.count == 2)
            for facility in facilities {
                let wards = try await scope.query(Ward.self).filter(\.$facilityID == facility.id!).all()
                #expect(wards.count == 2 && wards.allSatisfy { (1...WardService.maximumBeds).contains($0.beds) }, "\(facility.code)")
            }
        }
    }

    @Test("another tenant's ids are not found; another facility's are refused (403, audited) as elsewhere",
          arguments: TestBackend.enabled)
    func reach(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "adm-reach")
            let other = try await Fixtures.tenant(app, slug: "adm-reach-x")
            let ward = try await Self.ward(app, t, beds: 4)
            let f2Ward = try await Self.ward(app, t, facility: t.f2.id!, name: "F2", beds: 4)
            let otherWard = try await Self.ward(app, other, beds: 4)
            let patient = try await Fixtures.patient(app, t)
            let otherPatient = try await Fixtures.patient(app, other)
            let doctor = t[.doctor].token

            // Another tenant's patient, facility, ward: 404.
            #expect(try await app.send(.POST, Self.admitPath(otherPatient), token: doctor,
                                       json: Self.admission(facility: t.f1.id!, ward: ward)).status == .notFound)
            #expect(try await app.send(.POST, Self.admitPath(patient), token: doctor,
                                       json: Self.admission(facility: other.f1.id!, ward: otherWard)).status == .notFound)
            #expect(try await app.send(.POST, Self.admitPath(patient), token: doctor,
                                       json: Self.admission(facility: t.f1.id!, ward: otherWard)).status == .notFound)
            // Another facility of the tenant: f1's doctor may not admit at f2.
            let denied = try await AuditEvent.query(on: app.db).filter(\.$outcome == "denied").count()
            let f2 = try await app.send(.POST, Self.admitPath(patient), token: doctor, json: Self.admission(facility: t.f2.id!, ward: f2Ward))
            #expect(f2.status == .forbidden && f2.isProblem)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$outcome == "denied").count() == denied + 1)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "admission.create").count() == 0)

            // An admission at f2 (by a doctor there) is out of reach for f1's staff.
            let f2Doctor = try await Fixtures.user(app, tenant: t.tenant, email: "doc-f2@adm-reach.test", role: .doctor, facility: t.f2.id)
            let atF2 = try await app.send(.POST, Self.admitPath(patient), token: f2Doctor.token,
                                          json: Self.admission(facility: t.f2.id!, ward: f2Ward))
            #expect(atF2.status == .created, "\(atF2.text)")
            let id = try #require(atF2.json["id"] as? String)
            for role in [Role.receptionist, .nurse, .doctor, .facilityAdmin] {
                #expect(try await app.send(.GET, "/api/v1/admissions/\(id)", token: t[role].token).status == .forbidden, "\(role.rawValue)")
            }
            #expect(try await app.send(.POST, "/api/v1/admissions/\(id)/discharge", token: t[.nurse].token,
                                       json: jsonBody(["disposition": "home"])).status == .forbidden)
            #expect(try await app.send(.GET, "/api/v1/admissions?facility_id=\(t.f2.id!)", token: t[.receptionist].token).status == .forbidden)
            #expect(try await app.send(.GET, "/api/v1/admissions?facility_id=\(other.f1.id!)", token: t[.groupAdmin].token).status == .notFound)
            #expect(try await app.send(.GET, "/api/v1/admissions?patient_id=\(otherPatient)", token: t[.groupAdmin].token).status == .notFound)
            let f1List = try await app.send(.GET, "/api/v1/admissions", token: t[.receptionist].token)
            #expect((f1List.json["items"] as? [[String: Any]])?.isEmpty == true, "\(f1List.text)")
            #expect(try await app.send(.GET, "/api/v1/admissions/\(id)", token: t[.groupAdmin].token).status == .ok)
            #expect(try await app.send(.GET, "/api/v1/admissions/\(id)", token: t[.patient].token).status == .ok)
            // The other tenant cannot see or discharge it at all.
            #expect(try await app.send(.GET, "/api/v1/admissions/\(id)", token: other[.groupAdmin].token).status == .notFound)
            #expect(try await app.send(.POST, "/api/v1/admissions/\(id)/discharge", token: other[.nurse].token,
                                       json: jsonBody(["disposition": "home"])).status == .notFound)
            #expect(try await app.send(.GET, "/api/v1/admissions/not-a-uuid", token: t[.groupAdmin].token).status == .notFound)
        }
    }

    @Test("the list: reach, filters (status, from/to on admitted_at, patient), pagination; a patient sees their own only",
          arguments: TestBackend.enabled)
    func list(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "adm-list")
            let ward = try await Self.ward(app, t, beds: 10)
            let f2Ward = try await Self.ward(app, t, facility: t.f2.id!, name: "F2", beds: 10)
            let f2Nurse = try await Fixtures.user(app, tenant: t.tenant, email: "nurse-f2@adm-list.test", role: .nurse, facility: t.f2.id)
            let day: TimeInterval = 86_400
            let now = Date().rounded()
            // Five patients at f1, admitted 5, 4, 3, 2, 1 days ago; the first linked to the patient account (Fixtures.patient links each).
            var ids: [String] = []
            var patients: [UUID] = []
            for i in 0..<5 {
                let p = try await Fixtures.patient(app, t, given: "P\(i)")
                patients.append(p)
                let res = try await app.send(.POST, Self.admitPath(p), token: t[.doctor].token,
                                             json: Self.admission(facility: t.f1.id!, ward: ward, admittedAt: Self.iso(now.addingTimeInterval(-Double(5 - i) * day))))
                #expect(res.status == .created, "\(res.text)")
                ids.append(try #require(res.json["id"] as? String))
            }
            // Patient 0 is discharged; one more patient at f2 (not linked to the patient account).
            #expect(try await app.send(.POST, "/api/v1/admissions/\(ids[0])/discharge", token: t[.nurse].token,
                                       json: jsonBody(["disposition": "transferred"])).status == .ok)
            // At home at f2, so f2's nurse may admit them (a nurse admits only a patient she can already read).
            let f2Patient = try await Self.unlinkedPatient(app, t, home: t.f2.id!)
            let f2Res = try await app.send(.POST, Self.admitPath(f2Patient), token: f2Nurse.token,
                                           json: Self.admission(facility: t.f2.id!, ward: f2Ward))
            #expect(f2Res.status == .created, "\(f2Res.text)")

            func items(_ query: String, _ token: String) async throws -> [String] {
                let res = try await app.send(.GET, "/api/v1/admissions\(query)", token: token)
                #expect(res.status == .ok, "\(query): \(res.text)")
                return (res.json["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            }
            // Newest admission first; f1 staff see f1's five, the group admin all six.
            #expect(try await items("", t[.receptionist].token) == ids.reversed())
            #expect(try await items("", t[.groupAdmin].token).count == 6)
            #expect(try await items("", f2Nurse.token) == [f2Res.json["id"] as! String])
            #expect(try await items("?status=current", t[.nurse].token) == Array(ids[1...].reversed()))
            #expect(try await items("?status=discharged", t[.nurse].token) == [ids[0]])
            // from inclusive, to exclusive, on admitted_at.
            let from = Self.iso(now.addingTimeInterval(-4 * day)), to = Self.iso(now.addingTimeInterval(-2 * day))
            #expect(try await items("?from=\(from)&to=\(to)", t[.billing].token) == [ids[2], ids[1]])
            #expect(try await items("?patient_id=\(patients[3])", t[.doctor].token) == [ids[3]])
            #expect(try await items("?facility_id=\(t.f2.id!)", t[.groupAdmin].token).count == 1)
            let bad = try await app.send(.GET, "/api/v1/admissions?status=waiting&from=soon", token: t[.nurse].token)
            #expect(bad.status == .unprocessableEntity && Self.fields(bad) == ["status", "from"], "\(bad.text)")
            let inverted = try await app.send(.GET, "/api/v1/admissions?from=\(to)&to=\(from)", token: t[.nurse].token)
            #expect(inverted.status == .unprocessableEntity && Self.fields(inverted) == ["to"])

            // Pages of two: 2 + 2 + 1, nothing repeated.
            var seen: [String] = []
            var cursor: String? = nil
            var pages = 0
            repeat {
                let query = "?limit=2" + (cursor.map { "&cursor=\($0)" } ?? "")
                let res = try await app.send(.GET, "/api/v1/admissions\(query)", token: t[.receptionist].token)
                seen += (res.json["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
                cursor = res.json["next_cursor"] as? String
                pages += 1
            } while cursor != nil && pages < 10
            #expect(seen == ids.reversed() && pages == 3)

            // The patient account sees its own five (all linked by the fixture), not f2's, with reasons.
            let own = try await app.send(.GET, "/api/v1/admissions", token: t[.patient].token)
            let ownItems = own.json["items"] as? [[String: Any]] ?? []
            #expect(ownItems.count == 5 && ownItems.allSatisfy { $0["reason"] as? String == "Community-acquired pneumonia" })
            #expect(try await app.send(.GET, "/api/v1/admissions?patient_id=\(f2Patient)", token: t[.patient].token).status == .forbidden)
            // Reception's list carries no clinical keys.
            let desk = try await app.send(.GET, "/api/v1/admissions", token: t[.receptionist].token)
            #expect((desk.json["items"] as? [[String: Any]] ?? []).allSatisfy { !$0.keys.contains("reason") })
        }
    }

    @Test("reason and summary are ciphertext in the database and open back with the patient's key", arguments: TestBackend.enabled)
    func sealedAtRest(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "adm-seal")
            let ward = try await Self.ward(app, t, beds: 2)
            let patient = try await Fixtures.patient(app, t)
            let reason = "Zebra-marker diabetic ketoacidosis"
            let summary = "Zebra-marker insulin titrated"
            let res = try await app.send(.POST, Self.admitPath(patient), token: t[.doctor].token,
                                         json: Self.admission(facility: t.f1.id!, ward: ward, reason: reason))
            let id = try #require(UUID(uuidString: res.json["id"] as? String ?? ""))
            #expect(try await app.send(.POST, "/api/v1/admissions/\(id)/discharge", token: t[.doctor].token,
                                       json: jsonBody(["disposition": "home", "summary": summary])).status == .ok)
            let sql = try #require(app.db as? any SQLDatabase)
            let row = try #require(try await sql.raw("SELECT reason_sealed, summary_sealed, status, bed FROM admissions WHERE id = \(bind: id)").first())
            let sealedReason = try row.decode(column: "reason_sealed", as: String.self)
            let sealedSummary = try row.decode(column: "summary_sealed", as: String.self)
            for sealed in [sealedReason, sealedSummary] {
                #expect(!sealed.contains("Zebra") && !sealed.contains("insulin") && !sealed.contains("ketoacidosis"))
                #expect(sealed.hasPrefix("gAAAAA"), "a Fernet token")
            }
            #expect(try row.decode(column: "status", as: String.self) == "discharged" && row.decode(column: "bed", as: Int.self) == 1)
            // Under the patient's own key (issue 16), not the tenant's.
            let tenantCipher = try await app.services.keyring.cipher(forTenant: t.id, on: app.db)
            #expect(throws: FieldCipherError.cannotOpen) { try tenantCipher.open(Sealed<String>(token: sealedReason)) }
            let cipher = try await app.services.keyring.cipher(forPatient: patient, tenantID: t.id, on: app.db)
            #expect(try cipher.open(Sealed<String>(token: sealedReason)) == reason)
            #expect(try cipher.open(Sealed<String>(token: sealedSummary)) == summary)
        }
    }

    @Test("concurrent admissions of different patients to one bed over HTTP: exactly one 201, the rest 409, one current row",
          arguments: TestBackend.enabled)
    func concurrentOneBed(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "adm-race")
            let ward = try await Self.ward(app, t, beds: 4)
            var patients: [UUID] = []
            for i in 0..<16 { patients.append(try await Fixtures.patient(app, t, given: "Race\(i)")) }
            let results = try await app.withLiveServer { server in
                try await withThrowingTaskGroup(of: (UInt, String).self) { group in
                    for (i, patient) in patients.enumerated() {
                        let token = (i % 2 == 0 ? t[.doctor] : t[.nurse]).token
                        let body = Self.admission(facility: t.f1.id!, ward: ward, bed: 3)
                        group.addTask {
                            let res = try await server.send(.POST, Self.admitPath(patient), token: token, json: body)
                            return (res.status.code, res.headers.first(name: .contentType) ?? "")
                        }
                    }
                    var all: [(UInt, String)] = []
                    for try await r in group { all.append(r) }
                    return all
                }
            }
            #expect(results.filter { $0.0 == 201 }.count == 1, "\(results.map(\.0))")
            #expect(results.filter { $0.0 == 409 }.count == patients.count - 1, "\(results.map(\.0))")
            #expect(results.filter { $0.0 == 409 }.allSatisfy { $0.1.contains("problem+json") })
            let rows = try await TenantScope(tenantID: t.id, db: app.db).query(Admission.self).all()
            #expect(rows.count == 1 && rows[0].bed == 3 && rows[0].status == .current, "nothing half-written")
            #expect(try await Self.count(app, "admission.create") == 1)
            #expect(try await AuditChainVerifier().verify(on: app.db).ok)
        }
    }

    @Test("concurrent admissions without a bed never double a bed: each winner a distinct bed, the rest 409 once full",
          arguments: TestBackend.enabled)
    func concurrentLowestFree(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "adm-fill")
            let beds = 6
            let ward = try await Self.ward(app, t, beds: beds)
            var patients: [UUID] = []
            for i in 0..<10 { patients.append(try await Fixtures.patient(app, t, given: "Fill\(i)")) }
            // One patient sent twice at once: one bed for them, never two.
            let requests = patients + [patients[0]]
            let statuses = try await app.withLiveServer { server in
                try await withThrowingTaskGroup(of: UInt.self) { group in
                    for (i, patient) in requests.enumerated() {
                        let token = (i % 2 == 0 ? t[.doctor] : t[.nurse]).token
                        let body = Self.admission(facility: t.f1.id!, ward: ward)
                        group.addTask { try await server.send(.POST, Self.admitPath(patient), token: token, json: body).status.code }
                    }
                    var all: [UInt] = []
                    for try await s in group { all.append(s) }
                    return all
                }
            }
            #expect(statuses.filter { $0 == 201 }.count == beds, "\(statuses)")
            #expect(statuses.filter { $0 == 409 }.count == requests.count - beds, "\(statuses)")
            let rows = try await TenantScope(tenantID: t.id, db: app.db).query(Admission.self).filter(\.$status == .current).all()
            #expect(Set(rows.map(\.bed)) == Set(1...beds) && rows.count == beds)
            #expect(Set(rows.map(\.patientID)).count == rows.count, "one bed per patient")
        }
    }

    @Test("the service without HTTP: lowest free bed after a discharge, and a refused admission writes nothing",
          arguments: TestBackend.enabled)
    func service(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "adm-svc")
            let ward = try await Self.ward(app, t, beds: 3)
            let principal = try await app.services.auth.authenticate(bearer: t[.nurse].token)
            let ctx = RequestContext(scope: TenantScope(tenantID: t.id, db: app.db), principal: principal, origin: RequestOrigin(requestID: "svc"))
            let service = app.services.admissions
            var admitted: [VisibleAdmission] = []
            for i in 0..<3 {
                let p = try await Fixtures.patient(app, t, given: "S\(i)")
                admitted.append(try await service.admit(AdmissionRequest(patientID: p, facilityID: t.f1.id!, wardID: ward, bed: nil,
                                                                         admittedAt: nil, reason: "Observation"), in: ctx))
            }
            #expect(admitted.map(\.admission.bed) == [1, 2, 3])
            #expect(admitted.allSatisfy { $0.showsClinical && $0.reason == "Observation" })
            _ = try await service.discharge(admitted[1].admission.id!, DischargeRequest(dischargedAt: nil, disposition: .home, summary: nil), in: ctx)
            let p = try await Fixtures.patient(app, t, given: "S3")
            let refill = try await service.admit(AdmissionRequest(patientID: p, facilityID: t.f1.id!, wardID: ward, bed: nil,
                                                                  admittedAt: nil, reason: "Observation"), in: ctx)
            #expect(refill.admission.bed == 2)
            let late = try await Fixtures.patient(app, t, given: "S4")
            let eventsBefore = try await AuditEvent.query(on: app.db).count()
            await #expect(throws: AppError.conflict("Every bed of this ward is occupied")) {
                try await service.admit(AdmissionRequest(patientID: late, facilityID: t.f1.id!, wardID: ward, bed: nil,
                                                         admittedAt: nil, reason: "Observation"), in: ctx)
            }
            #expect(try await AuditEvent.query(on: app.db).count() == eventsBefore)
            #expect(try await TenantScope(tenantID: t.id, db: app.db).query(Admission.self).filter(\.$patientID == late).count() == 0)
        }
    }
}

private extension Date {
    /// Whole seconds: timestamps travel as RFC 3339 without fractions.
    func rounded() -> Date { Date(timeIntervalSince1970: timeIntervalSince1970.rounded(.down)) }
}
