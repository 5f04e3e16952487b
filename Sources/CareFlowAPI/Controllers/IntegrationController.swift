import CareFlowCore
import Vapor

/// `GET /api/v1/integrations`: the tenant's adapters, their non-secret settings and health.
struct IntegrationController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("api", "v1", "integrations", use: show)
    }

    @Sendable
    func show(req: Request) async throws -> IntegrationsResponse {
        let scope = try req.tenantScope()
        let statuses = try await req.services.integrationStatus.status(ofTenant: req.currentTenantSlug(), in: scope, by: req.principal(),
                                                                      origin: req.origin)
        let counts = try await req.services.outboxAdmin.counts(in: scope)
        return IntegrationsResponse(items: statuses.map(IntegrationStatusDTO.init), nextCursor: nil,
                                    outbox: Dictionary(uniqueKeysWithValues: counts.map { ($0.key.rawValue, $0.value) }))
    }
}
