@testable import CareFlowAPI
@testable import CareFlowCore
import Foundation
import VaporTesting

/// The ward and admission endpoints of the policy table test. Every call gets a ward of its own
/// at f1 (where the tenant's facility roles are held); admissions are of a fresh patient linked
/// to the patient account, so `self` reaches them.
extension RBACTests {
    static let admissionEndpoints: [Endpoint] = [
        Endpoint(name: "GET /facilities/{id}/wards", action: .wardRead) { _, t in
            Call(method: .GET, path: "/api/v1/facilities/\(t.f1.id!)/wards", json: nil, success: .ok)
        },
        Endpoint(name: "POST /facilities/{id}/wards", action: .wardManage) { _, t in
            Call(method: .POST, path: "/api/v1/facilities/\(t.f1.id!)/wards",
                 json: jsonBody(["name": "Ward \(UUID().uuidString.prefix(8))", "beds": 4]), success: .created)
        },
        Endpoint(name: "PATCH /facilities/{id}/wards/{ward}", action: .wardManage) { app, t in
            let ward = try await rbacWard(app, t)
            return Call(method: .PATCH, path: "/api/v1/facilities/\(t.f1.id!)/wards/\(ward)", json: jsonBody(["beds": 6]), success: .ok)
        },
        Endpoint(name: "POST /patients/{id}/admissions", action: .admissionManage) { app, t in
            let ward = try await rbacWard(app, t)
            return Call(method: .POST, path: "/api/v1/patients/\(try await Fixtures.patient(app, t))/admissions",
                        json: jsonBody(["facility_id": t.f1.id!.uuidString, "ward_id": ward.uuidString, "reason": "Observation"]),
                        success: .created)
        },
        Endpoint(name: "POST /admissions/{id}/discharge", action: .admissionManage) { app, t in
            Call(method: .POST, path: "/api/v1/admissions/\(try await rbacAdmission(app, t))/discharge",
                 json: jsonBody(["disposition": "home"]), success: .ok)
        },
        Endpoint(name: "GET /admissions/{id}", action: .admissionRead) { app, t in
            Call(method: .GET, path: "/api/v1/admissions/\(try await rbacAdmission(app, t))", json: nil, success: .ok)
        },
        Endpoint(name: "GET /admissions", action: .admissionRead) { _, _ in
            Call(method: .GET, path: "/api/v1/admissions", json: nil, success: .ok)
        },
    ]

    /// A ward of four beds at f1, written straight to the table.
    static func rbacWard(_ app: Application, _ t: TestTenant) async throws -> UUID {
        let ward = Ward()
        ward.id = TimeOrderedID.make()
        ward.facilityID = t.f1.id!
        ward.name = "RBAC \(ward.id!.uuidString)"
        ward.beds = 4
        try await TenantScope(tenantID: t.id, db: app.db).create(ward)
        return ward.id!
    }

    /// A current admission of a fresh patient (linked to the patient account) in bed 1 of a fresh ward at f1.
    static func rbacAdmission(_ app: Application, _ t: TestTenant) async throws -> UUID {
        let patientID = try await Fixtures.patient(app, t)
        let wardID = try await rbacWard(app, t)
        let cipher = try await app.services.keyring.cipher(forTenant: t.id, on: app.db)
        let admission = Admission()
        admission.id = TimeOrderedID.make()
        admission.facilityID = t.f1.id!
        admission.wardID = wardID
        admission.patientID = patientID
        admission.bed = 1
        admission.status = .current
        admission.admittedAt = Date().addingTimeInterval(-3600)
        admission.reasonSealed = try cipher.seal("Observation")
        admission.admittedBy = t[.doctor].id
        try await TenantScope(tenantID: t.id, db: app.db).create(admission)
        return admission.id!
    }
}
