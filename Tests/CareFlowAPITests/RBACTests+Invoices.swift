@testable import CareFlowAPI
@testable import CareFlowCore
import Foundation
import VaporTesting

/// The invoice endpoints of the policy table test: each call gets a fresh invoice at f1 of a new
/// patient linked to the patient account (so `self` reaches it).
extension RBACTests {
    static let invoiceEndpoints: [Endpoint] = [
        Endpoint(name: "GET /invoices/{id}", action: .invoiceRead) { app, t in
            let patient = try await Fixtures.patient(app, t)
            let id = try await InvoiceFixtures.invoice(app, t, patient: patient, facility: t.f1.id!)
            return Call(method: .GET, path: "/api/v1/invoices/\(id)", json: nil, success: .ok)
        },
        Endpoint(name: "GET /invoices", action: .invoiceRead) { app, t in
            let patient = try await Fixtures.patient(app, t)
            _ = try await InvoiceFixtures.invoice(app, t, patient: patient, facility: t.f1.id!)
            return Call(method: .GET, path: "/api/v1/invoices", json: nil, success: .ok)
        },
        Endpoint(name: "POST /invoices", action: .invoiceManage) { app, t in
            let patient = try await Fixtures.patient(app, t)
            return Call(method: .POST, path: "/api/v1/invoices", json: InvoiceFixtures.body(patient: patient, facility: t.f1.id!),
                        success: .created)
        },
        Endpoint(name: "POST /invoices/{id}/finalize", action: .invoiceManage) { app, t in
            let patient = try await Fixtures.patient(app, t)
            let id = try await InvoiceFixtures.invoice(app, t, patient: patient, facility: t.f1.id!)
            return Call(method: .POST, path: "/api/v1/invoices/\(id)/finalize", json: nil, success: .ok)
        },
        Endpoint(name: "PATCH /invoices/{id}", action: .invoiceManage) { app, t in
            let patient = try await Fixtures.patient(app, t)
            let id = try await InvoiceFixtures.invoice(app, t, patient: patient, facility: t.f1.id!)
            return Call(method: .PATCH, path: "/api/v1/invoices/\(id)",
                        json: jsonBody(["lines": [["description": "Ward day", "quantity": 2, "unit_amount": 5_000]]]), success: .ok)
        },
        Endpoint(name: "POST /invoices/{id}/void", action: .invoiceManage) { app, t in
            let patient = try await Fixtures.patient(app, t)
            let id = try await InvoiceFixtures.invoice(app, t, patient: patient, facility: t.f1.id!)
            return Call(method: .POST, path: "/api/v1/invoices/\(id)/void", json: nil, success: .ok)
        },
    ]
}
