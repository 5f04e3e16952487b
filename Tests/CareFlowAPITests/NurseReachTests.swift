@testable import CareFlowAPI
@testable import CareFlowCore
import Fluent
import Foundation
import Testing
import VaporTesting

/// PRODUCT §1: "nurse | facility | patients with an admission/appointment at their facility".
/// An admission, current or past, puts the patient in reach of that facility's nurses, in every
/// place reach is decided (single read, records, documents, the list and its search, the patients
/// export); a doctor's reach stays "assigned or appointment"; admitting is not a way in for a
/// nurse who cannot already read the patient.
@Suite("Nurse reach through admissions")
struct NurseReachTests {
    struct Setup {
        let t: TestTenant
        let f3: Facility
        let nurseC: TestUser
        let nurseB: TestUser
        let admittingDoctor: TestUser
        let patient: UUID
        let wardA: UUID
        let wardB: UUID
        let wardC: UUID
    }

    /// A patient at home at f2 ("facility B"), with no appointment or care relationship anywhere;
    /// f1 ("facility A") is where `t[.nurse]` works; f3 ("facility C") has a nurse of its own.
    static func setUp(_ app: Application, slug: String) async throws -> Setup {
        let t = try await Fixtures.tenant(app, slug: slug)
        let scope = TenantScope(tenantID: t.id, db: app.db)
        let f3 = Facility(tenantID: t.id, code: "\(slug)-f3", name: "Facility Three", timezone: "Africa/Kigali")
        try await scope.create(f3)
        let nurseC = try await Fixtures.user(app, tenant: t.tenant, email: "nurse-f3@\(slug).test", role: .nurse, facility: f3.id)
        let nurseB = try await Fixtures.user(app, tenant: t.tenant, email: "nurse-f2@\(slug).test", role: .nurse, facility: t.f2.id)
        let doctor = try await Fixtures.user(app, tenant: t.tenant, email: "admitting@\(slug).test", role: .doctor, facility: t.f1.id)
        let patient = try await ExportFixtures.patient(app, t, given: "Jeanne", family: "Nyirareach", facility: t.f2)
        return Setup(t: t, f3: f3, nurseC: nurseC, nurseB: nurseB, admittingDoctor: doctor, patient: patient,
                     wardA: try await ExportFixtures.ward(app, t, facility: t.f1, name: "A").id!,
                     wardB: try await ExportFixtures.ward(app, t, facility: t.f2, name: "B").id!,
                     wardC: try await ExportFixtures.ward(app, t, facility: f3, name: "C").id!)
    }

    static func admitBody(facility: UUID, ward: UUID) -> String {
        jsonBody(["facility_id": facility.uuidString, "ward_id": ward.uuidString, "reason": "Observation after a fall"])
    }

    static func listed(_ app: Application, _ path: String, token: String) async throws -> Set<String> {
        let res = try await app.send(.GET, path, token: token)
        #expect(res.status == .ok, "\(path): \(res.text)")
        return Set((res.json["items"] as? [[String: Any]] ?? []).compactMap { ($0["id"] as? String)?.lowercased() })
    }

    static func exported(_ app: Application, token: String) async throws -> Set<String> {
        let res = try await app.send(.GET, "/api/v1/exports/patients.csv", token: token)
        #expect(res.status == .ok, "\(res.text)")
        return Set(ExportFixtures.table(res.text).rows.compactMap { $0["id"] })
    }

    /// What `token` reaches of the patient: single read, records, documents, the list, a search by
    /// family name; each either all allowed or all refused.
    static func expectReach(_ app: Application, _ s: Setup, token: String, _ reaches: Bool, _ who: String,
                            sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let id = s.patient.uuidString.lowercased()
        for path in ["/api/v1/patients/\(s.patient)", "/api/v1/patients/\(s.patient)/records", "/api/v1/patients/\(s.patient)/documents"] {
            let res = try await app.send(.GET, path, token: token)
            // Out of reach inside the tenant is a 403, as for every patient read today.
            #expect(res.status == (reaches ? .ok : .forbidden), "\(who) \(path): \(res.status) \(res.text)", sourceLocation: sourceLocation)
        }
        #expect(try await listed(app, "/api/v1/patients?limit=100", token: token).contains(id) == reaches, "\(who): list",
                sourceLocation: sourceLocation)
        #expect(try await listed(app, "/api/v1/patients?name=Nyirareach", token: token).contains(id) == reaches, "\(who): search",
                sourceLocation: sourceLocation)
    }

    @Test("a nurse reaches a patient admitted at her facility (and keeps reaching after discharge); another facility's nurse does not",
          arguments: TestBackend.enabled)
    func reachThroughAdmission(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let s = try await Self.setUp(app, slug: "reach-adm")
            let t = s.t
            let id = s.patient.uuidString.lowercased()
            try await Self.expectReach(app, s, token: t[.nurse].token, false, "f1 nurse before")
            try await Self.expectReach(app, s, token: s.nurseC.token, false, "f3 nurse before")
            try await Self.expectReach(app, s, token: s.nurseB.token, true, "f2 nurse (home facility)")
            #expect(!(try await Self.exported(app, token: t[.facilityAdmin].token)).contains(id), "f1's export before")

            // A doctor of f1 admits the patient at f1.
            let admitted = try await app.send(.POST, "/api/v1/patients/\(s.patient)/admissions", token: s.admittingDoctor.token,
                                              json: Self.admitBody(facility: t.f1.id!, ward: s.wardA))
            #expect(admitted.status == .created, "\(admitted.text)")
            let admissionID = try #require(admitted.json["id"] as? String)

            try await Self.expectReach(app, s, token: t[.nurse].token, true, "f1 nurse, admitted at f1")
            try await Self.expectReach(app, s, token: s.nurseC.token, false, "f3 nurse, admitted at f1")
            #expect(try await Self.exported(app, token: t[.facilityAdmin].token).contains(id), "f1's export counts the admission")
            #expect(try await Self.exported(app, token: t.f2Admin.token).contains(id), "f2, the home facility, as before")

            // A doctor's reach is unchanged: neither the admitting doctor nor another doctor of f1
            // reads the chart; the doctor with a care relationship does.
            for (token, who) in [(s.admittingDoctor.token, "admitting doctor"), (t[.doctor].token, "f1 doctor")] {
                #expect(try await app.send(.GET, "/api/v1/patients/\(s.patient)", token: token).status == .forbidden, "\(who)")
                #expect(!(try await Self.listed(app, "/api/v1/patients?limit=100", token: token)).contains(id), "\(who)")
            }
            try await TenantScope(tenantID: t.id, db: app.db).create(
                CareRelationship(tenantID: t.id, patientID: s.patient, doctorID: t[.doctor].id, kind: .primary, referredBy: nil, endsOn: nil))
            #expect(try await app.send(.GET, "/api/v1/patients/\(s.patient)", token: t[.doctor].token).status == .ok)

            // Discharged: a past admission still counts for f1's nurses, never for f3's.
            let discharged = try await app.send(.POST, "/api/v1/admissions/\(admissionID)/discharge", token: t[.nurse].token,
                                                json: jsonBody(["disposition": "home"]))
            #expect(discharged.status == .ok, "\(discharged.text)")
            try await Self.expectReach(app, s, token: t[.nurse].token, true, "f1 nurse after discharge")
            try await Self.expectReach(app, s, token: s.nurseC.token, false, "f3 nurse after discharge")
        }
    }

    @Test("admitting is not a way in: a nurse who cannot read the patient is refused (403, audited, nothing written); one who can may admit",
          arguments: TestBackend.enabled)
    func admissionGuard(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let s = try await Self.setUp(app, slug: "reach-guard")
            let t = s.t
            let admissions = TenantScope(tenantID: t.id, db: app.db)
            func denials() async throws -> Int {
                try await AuditEvent.query(on: app.db).filter(\.$action == "access.denied").filter(\.$targetID == "patient.read").count()
            }
            for (token, facility, ward, who) in [(t[.nurse].token, t.f1.id!, s.wardA, "f1 nurse"), (s.nurseC.token, s.f3.id!, s.wardC, "f3 nurse")] {
                let before = try await denials()
                let res = try await app.send(.POST, "/api/v1/patients/\(s.patient)/admissions", token: token,
                                             json: Self.admitBody(facility: facility, ward: ward))
                #expect(res.status == .forbidden && res.isProblem, "\(who): \(res.status) \(res.text)")
                #expect(try await denials() == before + 1, "\(who): the refusal is audited")
            }
            #expect(try await admissions.query(Admission.self).count() == 0, "nothing written")
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "admission.create").count() == 0)
            try await Self.expectReach(app, s, token: t[.nurse].token, false, "f1 nurse after the refused admission")

            // The service says the same without HTTP.
            let principal = try await app.services.auth.authenticate(bearer: t[.nurse].token)
            let ctx = RequestContext(scope: admissions, principal: principal, origin: RequestOrigin(requestID: "reach-guard"))
            await #expect(throws: AppError.forbidden("You are not allowed to patient.read here")) {
                try await app.services.admissions.admit(AdmissionRequest(patientID: s.patient, facilityID: t.f1.id!, wardID: s.wardA, bed: nil,
                                                                         admittedAt: nil, reason: "Observation"), in: ctx)
            }

            // A nurse of the patient's home facility reads them, so she may admit them there.
            let home = try await app.send(.POST, "/api/v1/patients/\(s.patient)/admissions", token: s.nurseB.token,
                                          json: Self.admitBody(facility: t.f2.id!, ward: s.wardB))
            #expect(home.status == .created, "\(home.text)")
            #expect(try await admissions.query(Admission.self).count() == 1)
            // That admission at f2 gives f1's nurse nothing.
            try await Self.expectReach(app, s, token: t[.nurse].token, false, "f1 nurse, admitted at f2")
            // Another tenant's nurse: the patient is not found at all.
            let other = try await Fixtures.tenant(app, slug: "reach-guard-x")
            let otherWard = try await ExportFixtures.ward(app, other, facility: other.f1)
            let foreign = try await app.send(.POST, "/api/v1/patients/\(s.patient)/admissions", token: other[.nurse].token,
                                             json: Self.admitBody(facility: other.f1.id!, ward: otherWard.id!))
            #expect(foreign.status == .notFound, "\(foreign.text)")
        }
    }
}
