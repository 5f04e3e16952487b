@testable import CareFlowAPI
import CareFlowCore
import Fluent
import Foundation
import Testing

/// PRODUCT §1: a tenant is the hard isolation boundary; nothing can read or change another
/// tenant's rows.
@Suite("Tenant scope, without HTTP")
struct TenantScopeServiceTests {
    @Test("another tenant's row is invisible through a scope, and a write through the wrong scope is refused", arguments: TestBackend.enabled)
    func isolation(backend: TestBackend) async throws {
        try await ServiceTestBed.with(backend) { bed in
            let (a, facilityA) = try await bed.tenant("scope-a")
            let (b, _) = try await bed.tenant("scope-b")
            let scopeA = bed.scope(try a.requireID())
            let scopeB = bed.scope(try b.requireID())

            #expect(try await scopeA.find(Facility.self, facilityA.id) != nil)
            #expect(try await scopeB.find(Facility.self, facilityA.id) == nil)
            #expect(try await scopeB.query(Facility.self).all().allSatisfy { $0.tenantID == b.id })

            let stolen = try #require(try await scopeA.find(Facility.self, facilityA.id))
            stolen.name = "Renamed by another tenant"
            await #expect(throws: CrossTenantWrite.self) { try await scopeB.update(stolen) }
            #expect(try await scopeA.find(Facility.self, facilityA.id)?.name == "Facility One")
        }
    }
}
