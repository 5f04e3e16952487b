@testable import CareFlowAPI
@testable import CareFlowCore
import Foundation
import VaporTesting

/// The payment endpoint of the policy table test: each call gets a fresh open invoice at f1 of
/// a new patient linked to the patient account; the tenant's payments adapter is the default
/// `console`, which answers at once.
extension RBACTests {
    static let paymentEndpoints: [Endpoint] = [
        Endpoint(name: "POST /invoices/{id}/payment", action: .invoicePay) { app, t in
            let invoice = try await PaymentFixtures.invoice(app, t, patientID: try await Fixtures.patient(app, t))
            return Call(method: .POST, path: "/api/v1/invoices/\(invoice.id!)/payment", json: #"{"mode":"payment_intent"}"#, success: .ok)
        },
    ]
}
