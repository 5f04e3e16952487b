import CareFlowCore
import Vapor

/// Guards the routes that act inside a tenant: a platform operator has no tenant and never
/// reads tenant data, so reaching one is a denial like any other (403, audited).
/// The member's way through is decided on the event loop, without a task; only a denial (which
/// is audited) waits for the database.
struct TenantMemberMiddleware: Middleware {
    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        do {
            guard try request.principal().tenantID == nil else { return next.respond(to: request) }
        } catch {
            return request.eventLoop.makeFailedFuture(error)
        }
        return request.eventLoop.makeFutureWithTask { try await Self.deny(request) }
    }

    private static func deny(_ request: Request) async throws -> Response {
        let principal = try request.principal()
        try await request.services.audit.append(
            AuditRecord(tenantID: nil, actor: principal.auditActor, action: .accessDenied, outcome: .denied,
                        targetType: "route", targetID: request.route.map { $0.path.map(\.description).joined(separator: "/") },
                        details: ["reason": "tenant_route"]),
            origin: request.origin, on: request.db)
        throw AppError.forbidden("Platform administrators do not act inside a tenant")
    }
}
