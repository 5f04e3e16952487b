import CareFlowCore
import Fluent
import Vapor

/// `/api/v1/me`: the caller's own account.
struct MeController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("api", "v1", "me", use: show)
    }

    @Sendable
    func show(req: Request) async throws -> MeDTO {
        let principal = try req.principal()
        try await req.services.guardian.authorize(principal, .profileRead, on: .account(principal.subjectID), origin: req.origin, db: req.db)
        let roles = principal.grants.map(RoleGrantDTO.init)
        switch principal.kind {
        case .platformAdmin:
            guard let admin = try await PlatformAdmin.find(principal.subjectID, on: req.db) else { throw AppError.notFound("Account not found") }
            return MeDTO(id: admin.id!, kind: "platform_admin", tenantID: nil, email: admin.email, displayName: nil, roles: roles, amr: principal.amr)
        case .user:
            let user = try await req.tenantScope().require(User.self, principal.subjectID, name: "Account")
            return MeDTO(id: user.id!, kind: "user", tenantID: user.tenantID, email: user.email, displayName: user.displayName,
                         roles: roles, amr: principal.amr)
        }
    }
}
