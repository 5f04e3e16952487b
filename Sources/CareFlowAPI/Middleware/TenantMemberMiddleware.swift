import CareFlowCore
import Vapor

/// Guards the routes that act inside a tenant: a platform operator has no tenant and never
/// reads tenant data, so reaching one is a denial like any other (403, audited).
struct TenantMemberMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let principal = try request.principal()
        guard principal.tenantID != nil else {
            try await request.services.audit.append(
                AuditRecord(tenantID: nil, actor: principal.auditActor, action: "access.denied", outcome: .denied,
                            targetType: "route", targetID: request.route.map { $0.path.map(\.description).joined(separator: "/") },
                            details: ["reason": "tenant_route"]),
                origin: request.origin, on: request.db)
            throw AppError.forbidden("Platform administrators do not act inside a tenant")
        }
        return try await next.respond(to: request)
    }
}
