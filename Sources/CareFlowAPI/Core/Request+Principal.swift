import CareFlowCore
import Vapor

extension Principal: Authenticatable {}

extension Request {
    /// The authenticated caller; routes behind `BearerAuthenticationMiddleware` always have one.
    func principal() throws -> Principal {
        guard let principal = auth.get(Principal.self) else { throw AppError.unauthenticated("Sign in first") }
        return principal
    }

    /// The caller's tenant. Platform admins have none: tenant routes are not theirs.
    private func tenantID(of principal: Principal) throws -> UUID {
        guard let tenantID = principal.tenantID else {
            throw AppError.forbidden("Platform administrators do not act inside a tenant")
        }
        return tenantID
    }

    /// The caller's tenant as a query scope.
    func tenantScope() throws -> TenantScope {
        TenantScope(tenantID: try tenantID(of: principal()), db: db, effect: storage[IdempotencyMiddleware.ClaimedEffect.self])
    }

    /// The caller, their tenant and where the request came from, for tenant services; with an
    /// `Idempotency-Key`, the claim their effect's transaction marks.
    func context() throws -> RequestContext {
        let principal = try principal()
        let scope = TenantScope(tenantID: try tenantID(of: principal), db: db, effect: storage[IdempotencyMiddleware.ClaimedEffect.self])
        return RequestContext(scope: scope, principal: principal, origin: origin)
    }

    func currentTenant() async throws -> Tenant {
        let scope = try tenantScope()
        guard let tenant = try await Tenant.find(scope.tenantID, on: db) else { throw AppError.unauthenticated("Unknown tenant") }
        services.tenantIdentities.remember(id: scope.tenantID, slug: tenant.slug)
        return tenant
    }

    /// The caller's tenant's slug (the key of its configuration file): a tenant's slug never
    /// changes, so after the first request it is known without a database round trip.
    func currentTenantSlug() async throws -> String {
        // The id comes from the principal, not `tenantScope()`: building a scope asks Vapor for a
        // database handle (`req.db`), which is not free, and a remembered slug needs none.
        let tenantID = try tenantID(of: principal())
        if let slug = services.tenantIdentities.slug(of: tenantID) { return slug }
        return try await currentTenant().slug
    }
}
