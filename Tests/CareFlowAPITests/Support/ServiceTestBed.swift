@testable import CareFlowAPI
import CareFlowCore
import Fluent
import Foundation

/// CareFlow's services, wired by `configure` as in production, on a fresh migrated database,
/// for rules that need the database but not the request path: no request is sent, no token is
/// issued and no user signs in, so a test pays for neither routing nor the logins of
/// `Fixtures.tenant`. The body gets no `Application`, so it cannot reach for HTTP by accident.
struct ServiceTestBed: Sendable {
    let services: AppServices
    let db: any Database
    /// The tables' owner on PostgreSQL (schema changes the application's role may not make).
    let ownerDB: any Database

    static func with<T>(_ backend: TestBackend, tenantFiles: [String: String] = [:],
                        configure adjust: (inout AppConfiguration) -> Void = { _ in },
                        _ body: (ServiceTestBed) async throws -> T) async throws -> T {
        try await withCareFlow(backend, tenantFiles: tenantFiles, configure: adjust) { app in
            try await body(ServiceTestBed(services: app.services, db: app.db, ownerDB: ownerDatabase(app)))
        }
    }

    /// A tenant as the platform onboards it (its group admin has a password, nobody is signed
    /// in), with one facility.
    func tenant(_ slug: String) async throws -> (tenant: Tenant, facility: Facility) {
        let onboarded = try await services.onboarding.onboard(
            slug: slug, name: "Tenant \(slug)", adminEmail: "group-admin@\(slug).test", adminPassword: testPassword,
            actor: .system, origin: .none)
        let tenantID = try onboarded.tenant.requireID()
        let facility = Facility(tenantID: tenantID, code: "\(slug)-f1", name: "Facility One", timezone: "Africa/Kigali")
        try await scope(tenantID).create(facility)
        return (onboarded.tenant, facility)
    }

    func scope(_ tenantID: UUID) -> TenantScope {
        TenantScope(tenantID: tenantID, db: db)
    }

    /// The tenant's users, sealed and indexed under its own keys.
    func directory(_ tenantID: UUID) async throws -> UserDirectory {
        UserDirectory(scope: scope(tenantID), cipher: try await services.keyring.cipher(forTenant: tenantID, on: db))
    }
}
