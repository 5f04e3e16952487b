@testable import CareFlowAPI
@testable import CareFlowCore
import Foundation
import VaporTesting

/// The claim endpoints of the policy table test. Each call gets a fresh open invoice at f1 of a
/// new patient linked to the patient account (and, where one is needed, a fresh claim of it).
extension RBACTests {
    static let claimEndpoints: [Endpoint] = [
        Endpoint(name: "POST /claims", action: .claimManage) { app, t in
            let invoice = try await ClaimFixtures.invoice(app, t, patientID: try await Fixtures.patient(app, t))
            return Call(method: .POST, path: "/api/v1/claims", json: ClaimFixtures.body(invoice: invoice, amount: 5_000), success: .created)
        },
        Endpoint(name: "POST /claims/{id}/transition", action: .claimManage) { app, t in
            let invoice = try await ClaimFixtures.invoice(app, t, patientID: try await Fixtures.patient(app, t))
            let claim = try await ClaimFixtures.serviceClaim(app, t, invoice: invoice)
            return Call(method: .POST, path: "/api/v1/claims/\(claim)/transition", json: jsonBody(["to": "in_review"]), success: .ok)
        },
        Endpoint(name: "GET /claims/{id}", action: .claimRead) { app, t in
            let invoice = try await ClaimFixtures.invoice(app, t, patientID: try await Fixtures.patient(app, t))
            let claim = try await ClaimFixtures.serviceClaim(app, t, invoice: invoice)
            return Call(method: .GET, path: "/api/v1/claims/\(claim)", json: nil, success: .ok)
        },
        Endpoint(name: "GET /claims", action: .claimRead) { _, _ in
            Call(method: .GET, path: "/api/v1/claims", json: nil, success: .ok)
        },
    ]
}
