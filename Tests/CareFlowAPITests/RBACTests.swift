@testable import CareFlowAPI
import CareFlowCore
import Fluent
import Foundation
import Testing
import VaporTesting

/// Every (role, endpoint) pair against the contract's role matrix (`ContractRoleMatrix`,
/// written from PRODUCT §1, not from the code): allowed where the matrix grants the role the
/// endpoint's action, 403 (with an audit event) elsewhere.
@Suite("RBAC follows the policy table")
struct RBACTests {
    struct Call {
        let method: HTTPMethod
        let path: String
        let json: String?
        let success: HTTPStatus
    }

    /// An endpoint, its action, and how to build a fresh request for it (mutating calls get
    /// their own target each time so one role's attempt cannot affect the next).
    struct Endpoint: Sendable, CustomStringConvertible {
        let name: String
        let action: Action
        let make: @Sendable (Application, TestTenant) async throws -> Call
        var description: String { name }
    }

    static let endpoints: [Endpoint] = [
        Endpoint(name: "GET /platform/tenants", action: .tenantList) { _, _ in
            Call(method: .GET, path: "/api/v1/platform/tenants", json: nil, success: .ok)
        },
        Endpoint(name: "POST /platform/tenants", action: .tenantCreate) { _, _ in
            let slug = "new-\(UUID().uuidString.prefix(8).lowercased())"
            return Call(method: .POST, path: "/api/v1/platform/tenants",
                        json: jsonBody(["slug": slug, "name": "New Group", "admin_email": "admin@\(slug).test"]), success: .created)
        },
        Endpoint(name: "POST /platform/tenants/{id}/suspend", action: .tenantSuspend) { app, _ in
            let victim = try await app.services.onboarding.onboard(
                slug: "victim-\(UUID().uuidString.prefix(8).lowercased())", name: "Victim", adminEmail: "a@victim.test",
                adminPassword: nil, actor: .system, origin: .none)
            return Call(method: .POST, path: "/api/v1/platform/tenants/\(victim.tenant.id!)/suspend", json: nil, success: .ok)
        },
        Endpoint(name: "DELETE /platform/tenants/{id}/group-admins/{user}/mfa", action: .groupAdminResetMFA) { app, t in
            let target = try await Fixtures.user(app, tenant: t.tenant, email: "ga-\(UUID().uuidString.prefix(8))@x.test", role: .groupAdmin,
                                                 facility: nil)
            return Call(method: .DELETE, path: "/api/v1/platform/tenants/\(t.id)/group-admins/\(target.id)/mfa", json: nil, success: .noContent)
        },
        Endpoint(name: "POST /facilities", action: .facilityCreate) { _, _ in
            Call(method: .POST, path: "/api/v1/facilities",
                 json: jsonBody(["code": "fac-\(UUID().uuidString.prefix(8).lowercased())", "name": "New"]), success: .created)
        },
        Endpoint(name: "GET /facilities", action: .facilityRead) { _, _ in
            Call(method: .GET, path: "/api/v1/facilities", json: nil, success: .ok)
        },
        Endpoint(name: "GET /facilities/{id}", action: .facilityRead) { _, t in
            Call(method: .GET, path: "/api/v1/facilities/\(t.f1.id!)", json: nil, success: .ok)
        },
        Endpoint(name: "GET /facilities/{id}/staff", action: .staffRead) { _, t in
            Call(method: .GET, path: "/api/v1/facilities/\(t.f1.id!)/staff", json: nil, success: .ok)
        },
        Endpoint(name: "POST /facilities/{id}/staff", action: .staffInvite) { _, t in
            Call(method: .POST, path: "/api/v1/facilities/\(t.f1.id!)/staff",
                 json: jsonBody(["email": "new-\(UUID().uuidString.prefix(8))@\(t.tenant.slug).test", "roles": ["nurse"]]), success: .created)
        },
        Endpoint(name: "PUT /facilities/{id}/staff/{user}/roles", action: .staffChangeRoles) { app, t in
            let target = try await Fixtures.user(app, tenant: t.tenant, email: "t-\(UUID().uuidString.prefix(8))@x.test", role: .nurse, facility: t.f1.id)
            return Call(method: .PUT, path: "/api/v1/facilities/\(t.f1.id!)/staff/\(target.id)/roles",
                        json: jsonBody(["roles": ["receptionist"]]), success: .ok)
        },
        Endpoint(name: "DELETE /facilities/{id}/staff/{user}", action: .staffDeactivate) { app, t in
            let target = try await Fixtures.user(app, tenant: t.tenant, email: "t-\(UUID().uuidString.prefix(8))@x.test", role: .nurse, facility: t.f1.id)
            return Call(method: .DELETE, path: "/api/v1/facilities/\(t.f1.id!)/staff/\(target.id)", json: nil, success: .noContent)
        },
        Endpoint(name: "DELETE /facilities/{id}/staff/{user}/mfa", action: .staffResetMFA) { app, t in
            let target = try await Fixtures.user(app, tenant: t.tenant, email: "t-\(UUID().uuidString.prefix(8))@x.test", role: .nurse, facility: t.f1.id)
            return Call(method: .DELETE, path: "/api/v1/facilities/\(t.f1.id!)/staff/\(target.id)/mfa", json: nil, success: .noContent)
        },
        Endpoint(name: "GET /audit-events", action: .auditRead) { _, _ in
            Call(method: .GET, path: "/api/v1/audit-events", json: nil, success: .ok)
        },
        Endpoint(name: "POST /patients", action: .patientCreate) { _, t in
            Call(method: .POST, path: "/api/v1/patients",
                 json: jsonBody(["given_name": "New", "family_name": "Patient", "sex": "male", "home_facility_id": t.f1.id!.uuidString]),
                 success: .created)
        },
        Endpoint(name: "GET /patients/{id}", action: .patientRead) { app, t in
            Call(method: .GET, path: "/api/v1/patients/\(try await Fixtures.patient(app, t))", json: nil, success: .ok)
        },
        Endpoint(name: "PATCH /patients/{id} demographics", action: .patientUpdate) { app, t in
            Call(method: .PATCH, path: "/api/v1/patients/\(try await Fixtures.patient(app, t))",
                 json: jsonBody(["phone": "+250788000001"]), success: .ok)
        },
        Endpoint(name: "PATCH /patients/{id} clinical", action: .patientUpdateClinical) { app, t in
            Call(method: .PATCH, path: "/api/v1/patients/\(try await Fixtures.patient(app, t))",
                 json: jsonBody(["allergies": ["latex"]]), success: .ok)
        },
        Endpoint(name: "DELETE /patients/{id}", action: .patientDelete) { app, t in
            Call(method: .DELETE, path: "/api/v1/patients/\(try await Fixtures.patient(app, t))", json: nil, success: .noContent)
        },
        Endpoint(name: "POST /patients/{id}/erase", action: .patientErase) { app, t in
            let patientID = try await Fixtures.patient(app, t)
            // Unlinked from the shared patient account, which an erasure would disable for the later calls.
            try await Patient.query(on: app.db).filter(\.$id == patientID).set(\.$userID, to: nil).update()
            return Call(method: .POST, path: "/api/v1/patients/\(patientID)/erase", json: jsonBody(["reason": "Art. 17 request"]), success: .ok)
        },
        Endpoint(name: "POST /patients/{id}/care-team", action: .careRelationshipManage) { app, t in
            Call(method: .POST, path: "/api/v1/patients/\(try await Fixtures.patient(app, t))/care-team",
                 json: jsonBody(["doctor_id": t[.doctor].id.uuidString, "kind": "primary"]), success: .created)
        },
        Endpoint(name: "POST /patients/{id}/primary-doctor", action: .careRelationshipChoose) { app, t in
            var config = app.services.tenants[t.tenant.slug] ?? TenantConfiguration(slug: t.tenant.slug, name: "T", timezone: "UTC")
            config.patientsChooseDoctor = true
            try app.services.tenants.register(config, writeFile: false)
            return Call(method: .POST, path: "/api/v1/patients/\(try await Fixtures.patient(app, t))/primary-doctor",
                        json: jsonBody(["doctor_id": t[.doctor].id.uuidString]), success: .created)
        },
        Endpoint(name: "GET /me", action: .profileRead) { _, _ in
            Call(method: .GET, path: "/api/v1/me", json: nil, success: .ok)
        },
        Endpoint(name: "POST /patients/{id}/notes", action: .visitNoteCreate) { app, t in
            Call(method: .POST, path: "/api/v1/patients/\(try await Fixtures.patient(app, t))/notes",
                 json: jsonBody(["body": "Follow-up in two weeks."]), success: .created)
        },
        Endpoint(name: "GET /patients/{id}/records", action: .patientReadClinical) { app, t in
            Call(method: .GET, path: "/api/v1/patients/\(try await Fixtures.patient(app, t))/records", json: nil, success: .ok)
        },
        Endpoint(name: "POST /predict/health-risk/", action: .predictionRun) { _, _ in
            Call(method: .POST, path: "/api/predict/health-risk/",
                 json: jsonBody(["age": 45, "bmi": 29.5, "blood_pressure": 135, "cholesterol": 220]), success: .ok)
        },
        Endpoint(name: "POST /patients/{id}/prescriptions/analyze", action: .prescriptionAnalyze) { app, t in
            Call(method: .POST, path: "/api/v1/patients/\(try await Fixtures.patient(app, t))/prescriptions/analyze",
                 json: jsonBody(["text": "Amoxicillin 500 mg PO TID x 7 days"]), success: .ok)
        },
    ] + schedulingEndpoints + integrationEndpoints + careStepEndpoints + admissionEndpoints + paymentEndpoints + invoiceEndpoints
        + claimEndpoints + analyticsEndpoints + exportEndpoints + patientExportEndpoints

    @Test("each role on each endpoint", arguments: TestBackend.enabled)
    func policyTable(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let tenant = try await Fixtures.tenant(app, slug: "rbac")
            let platform = try await Fixtures.platformAdmin(app)
            var callers: [(Role, TestUser)] = tenant.users.map { ($0.key, $0.value) }
            callers.append((.platformAdmin, platform))
            var checked = 0
            for endpoint in Self.endpoints {
                for (role, user) in callers.sorted(by: { $0.0.rawValue < $1.0.rawValue }) {
                    let allowed = ContractRoleMatrix.allows(role, endpoint.action)
                    let call = try await endpoint.make(app, tenant)
                    let deniedBefore = try await AuditEvent.query(on: app.db).filter(\.$outcome == "denied").count()
                    let res = try await app.send(call.method, call.path, token: user.token, json: call.json)
                    let deniedAfter = try await AuditEvent.query(on: app.db).filter(\.$outcome == "denied").count()
                    if allowed {
                        #expect(res.status == call.success, "\(role.rawValue) on \(endpoint.name): \(res.status) \(res.text)")
                        #expect(deniedAfter == deniedBefore, "\(role.rawValue) on \(endpoint.name) wrote a denial")
                    } else {
                        #expect(res.status == .forbidden, "\(role.rawValue) on \(endpoint.name): \(res.status) \(res.text)")
                        #expect(res.isProblem, "\(role.rawValue) on \(endpoint.name): not problem+json")
                        #expect(deniedAfter == deniedBefore + 1, "\(role.rawValue) on \(endpoint.name): denial not audited")
                    }
                    checked += 1
                }
            }
            #expect(checked == Self.endpoints.count * Role.allCases.count)
        }
    }

    @Test("the policy table grants exactly the contract's role matrix, with the same reach")
    func policyMatchesContract() {
        #expect(Set(ContractRoleMatrix.grants.keys) == Set(Action.allCases.map(\.rawValue)), "every action is in the matrix")
        for action in Action.allCases {
            for role in Role.allCases {
                let code = AccessPolicy.scope(of: role, for: action)?.rawValue
                let contract = ContractRoleMatrix.grants[action.rawValue]?[role]
                #expect(code == contract, "\(role.rawValue) × \(action.rawValue): code grants \(code ?? "nothing"), contract \(contract ?? "nothing")")
            }
        }
    }

    @Test("every action of the policy table has an endpoint in this test")
    func everyActionCovered() {
        #expect(Set(Self.endpoints.map(\.action)) == Set(Action.allCases))
    }

    @Test("facility-scoped roles reach only their own facility", arguments: TestBackend.enabled)
    func facilityScope(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "scope")
            // Facility admin of f1 on f2's staff: denied, audited.
            for (method, path, json) in [
                (HTTPMethod.GET, "/api/v1/facilities/\(t.f2.id!)/staff", nil as String?),
                (.POST, "/api/v1/facilities/\(t.f2.id!)/staff", jsonBody(["email": "x@scope.test", "roles": ["nurse"]])),
                (.PUT, "/api/v1/facilities/\(t.f2.id!)/staff/\(t.f2Admin.id)/roles", jsonBody(["roles": ["nurse"]])),
                (.DELETE, "/api/v1/facilities/\(t.f2.id!)/staff/\(t.f2Admin.id)", nil),
                (.GET, "/api/v1/facilities/\(t.f2.id!)", nil),
            ] {
                let res = try await app.send(method, path, token: t[.facilityAdmin].token, json: json)
                #expect(res.status == .forbidden, "\(method) \(path): \(res.status)")
            }
            // Staff of f1 see only f1 in the facility list; the group admin sees both.
            let doctorList = try await app.send(.GET, "/api/v1/facilities", token: t[.doctor].token)
            #expect((doctorList.json["items"] as? [[String: Any]])?.compactMap { $0["code"] as? String } == ["scope-f1"])
            let adminList = try await app.send(.GET, "/api/v1/facilities", token: t[.groupAdmin].token)
            #expect((adminList.json["items"] as? [[String: Any]])?.count == 2)
            // The facility admin of f1 reads only f1's audit events.
            let audit = try await app.send(.GET, "/api/v1/audit-events?limit=200", token: t[.facilityAdmin].token)
            let facilities = Set((audit.json["items"] as? [[String: Any]] ?? []).compactMap { $0["facility_id"] as? String }.map { $0.lowercased() })
            #expect(facilities.isSubset(of: [t.f1.id!.uuidString.lowercased()]))
            let f2Audit = try await app.send(.GET, "/api/v1/audit-events?facility_id=\(t.f2.id!)", token: t[.facilityAdmin].token)
            #expect(f2Audit.status == .forbidden)
        }
    }
}
