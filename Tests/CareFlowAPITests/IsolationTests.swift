@testable import CareFlowAPI
import CareFlowCore
import Fluent
import Foundation
import Testing
import VaporTesting

@Suite("Tenant isolation")
struct IsolationTests {
    @Test("another tenant's ids answer 404 on every route that takes an id, and change nothing", arguments: TestBackend.enabled)
    func crossTenantIDs(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let a = try await Fixtures.tenant(app, slug: "tenant-a")
            let b = try await Fixtures.tenant(app, slug: "tenant-b")
            let bUser = b[.nurse]
            let calls: [(HTTPMethod, String, String?)] = [
                (.GET, "/api/v1/facilities/\(b.f1.id!)", nil),
                (.GET, "/api/v1/facilities/\(b.f1.id!)/staff", nil),
                (.POST, "/api/v1/facilities/\(b.f1.id!)/staff", jsonBody(["email": "intruder@a.test", "roles": ["nurse"]])),
                (.PUT, "/api/v1/facilities/\(b.f1.id!)/staff/\(bUser.id)/roles", jsonBody(["roles": ["doctor"]])),
                (.DELETE, "/api/v1/facilities/\(b.f1.id!)/staff/\(bUser.id)", nil),
                // Own facility, other tenant's user.
                (.PUT, "/api/v1/facilities/\(a.f1.id!)/staff/\(bUser.id)/roles", jsonBody(["roles": ["doctor"]])),
                (.DELETE, "/api/v1/facilities/\(a.f1.id!)/staff/\(bUser.id)", nil),
            ]
            let snapshotBefore = try await snapshot(app, tenant: b.id)
            // The most powerful tenant roles of A try every route with B's ids.
            for caller in [a[.groupAdmin], a[.facilityAdmin]] {
                for (method, path, json) in calls {
                    let res = try await app.send(method, path, token: caller.token, json: json)
                    #expect(res.status == .notFound, "\(caller.role.rawValue) \(method) \(path): \(res.status) \(res.text)")
                    #expect(res.isProblem)
                }
            }
            #expect(try await snapshot(app, tenant: b.id) == snapshotBefore)
            // B's events never show up in A's audit listing.
            let audit = try await app.send(.GET, "/api/v1/audit-events?limit=200", token: a[.groupAdmin].token)
            let targets = (audit.json["items"] as? [[String: Any]] ?? []).compactMap { $0["target_id"] as? String }
            #expect(!targets.contains(bUser.id.uuidString.lowercased()))
            // A facility list never contains the other tenant's facilities.
            let list = try await app.send(.GET, "/api/v1/facilities", token: a[.groupAdmin].token)
            let codes = (list.json["items"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
            #expect(Set(codes) == ["tenant-a-f1", "tenant-a-f2"])
        }
    }

    @Test("tenant scope filters every query by tenant", arguments: TestBackend.enabled)
    func scopeLayer(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let a = try await Fixtures.tenant(app, slug: "scope-a")
            let b = try await Fixtures.tenant(app, slug: "scope-b")
            let scopeA = TenantScope(tenantID: a.id, db: app.db)
            #expect(try await scopeA.find(Facility.self, b.f1.id) == nil)
            #expect(try await scopeA.find(User.self, b[.doctor].id) == nil)
            #expect(try await scopeA.query(User.self).all().allSatisfy { $0.tenantID == a.id })
            await #expect(throws: AppError.notFound("Facility not found")) {
                try await scopeA.require(Facility.self, b.f1.id, name: "Facility")
            }
            // A row of B handed to A's scope for writing (a bug) fails that call, writes nothing,
            // and leaves the process serving everyone else.
            let facilityB = try #require(try await TenantScope(tenantID: b.id, db: app.db).find(Facility.self, b.f1.id))
            let name = facilityB.name
            facilityB.name = "Renamed through another tenant"
            await #expect(throws: CrossTenantWrite(table: Facility.schema)) { try await scopeA.update(facilityB) }
            #expect(try await TenantScope(tenantID: b.id, db: app.db).find(Facility.self, b.f1.id)?.name == name)
            #expect(try await app.send(.GET, "/api/v1/facilities", token: a[.groupAdmin].token).status == .ok)
        }
    }

    /// Counts and role sets of a tenant's rows: equal before and after means nothing changed.
    func snapshot(_ app: Application, tenant: UUID) async throws -> [String] {
        let scope = TenantScope(tenantID: tenant, db: app.db)
        let users = try await scope.query(User.self).sort(\.$emailIndex).all().map { "\($0.emailIndex):\($0.status.rawValue)" }
        let roles = try await scope.query(RoleAssignment.self).all().map { "\($0.userID):\($0.role.rawValue)" }.sorted()
        let sessions = try await AuthSession.query(on: app.db).filter(\.$tenantID == tenant).filter(\.$revokedAt == nil).count()
        return users + roles + ["sessions:\(sessions)"]
    }
}
