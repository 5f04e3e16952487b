@testable import CareFlowAPI
@testable import CareFlowCore
import Foundation
import VaporTesting

/// The payment endpoints of the policy table test: each call gets a fresh invoice at f1 (open to
/// pay, paid to refund) of a new patient linked to the patient account; the tenant's payments
/// adapter is the default `console`, which answers at once.
extension RBACTests {
    static let paymentEndpoints: [Endpoint] = [
        Endpoint(name: "POST /invoices/{id}/payment", action: .invoicePay) { app, t in
            let invoice = try await PaymentFixtures.invoice(app, t, patientID: try await Fixtures.patient(app, t))
            return Call(method: .POST, path: "/api/v1/invoices/\(invoice.id!)/payment", json: #"{"mode":"payment_intent"}"#, success: .ok)
        },
        Endpoint(name: "POST /invoices/{id}/refund", action: .invoiceManage) { app, t in
            let invoice = try await PaymentFixtures.invoice(app, t, patientID: try await Fixtures.patient(app, t), status: .paid, total: 4000,
                                                            paymentID: "pi_console_rbac_\(UUID().uuidString.prefix(8))", provider: "console",
                                                            paid: 4000)
            return Call(method: .POST, path: "/api/v1/invoices/\(invoice.id!)/refund", json: #"{"amount":1000}"#, success: .ok)
        },
    ]
}
