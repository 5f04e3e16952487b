@testable import CareFlowAPI
@testable import CareFlowCore
import Foundation
import VaporTesting

/// The export endpoint of the policy table test: `invoices.csv`, which every role holding
/// `export.run` may also read (`invoice.read` at the same reach).
extension RBACTests {
    static let exportEndpoints: [Endpoint] = [
        Endpoint(name: "GET /exports/invoices.csv", action: .exportRun) { _, _ in
            Call(method: .GET, path: "/api/v1/exports/invoices.csv", json: nil, success: .ok)
        },
    ]
}

extension RBACTests {
    /// A patient's data export (issue 16): the patient themself and the admins in reach.
    static let patientExportEndpoints: [Endpoint] = [
        Endpoint(name: "GET /patients/{id}/export", action: .patientExport) { app, t in
            Call(method: .GET, path: "/api/v1/patients/\(try await Fixtures.patient(app, t))/export", json: nil, success: .ok)
        },
    ]
}
