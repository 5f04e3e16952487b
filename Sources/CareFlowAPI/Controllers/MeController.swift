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
        case .system:
            throw AppError.notFound("Account not found")
        case .platformAdmin:
            guard let admin = try await PlatformAdmin.find(principal.subjectID, on: req.db) else { throw AppError.notFound("Account not found") }
            return MeDTO(id: admin.id!, kind: "platform_admin", tenantID: nil, email: admin.email, displayName: nil, roles: roles, amr: principal.amr)
        case .user:
            let scope = try req.tenantScope()
            let user = try await scope.require(User.self, principal.subjectID, name: "Account")
            let profile = try UserDirectory(scope: scope, cipher: await req.services.keyring.cipher(forTenant: scope.tenantID, on: req.db))
                .profile(user)
            return MeDTO(id: user.id!, kind: "user", tenantID: user.tenantID, email: profile.email, displayName: profile.displayName,
                         roles: roles, amr: principal.amr)
        }
    }
}
