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
