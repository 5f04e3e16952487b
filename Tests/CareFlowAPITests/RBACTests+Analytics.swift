@testable import CareFlowAPI
@testable import CareFlowCore
import Foundation
import VaporTesting

/// The analytics endpoints of the policy table test, at the first facility (facility roles
/// hold their grants there): operational metrics need `analytics.read`, revenue
/// `analytics.read_revenue`.
extension RBACTests {
    static let analyticsEndpoints: [Endpoint] = [
        Endpoint(name: "GET /analytics/appointments?facility_id=f1", action: .analyticsRead) { _, t in
            Call(method: .GET, path: "/api/v1/analytics/appointments?interval=week&facility_id=\(t.f1.id!)", json: nil, success: .ok)
        },
        Endpoint(name: "GET /analytics/revenue?facility_id=f1", action: .analyticsRevenueRead) { _, t in
            Call(method: .GET, path: "/api/v1/analytics/revenue?interval=month&facility_id=\(t.f1.id!)", json: nil, success: .ok)
        },
    ]
}
