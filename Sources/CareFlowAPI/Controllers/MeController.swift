import CareFlowCore
import Fluent
import Vapor

/// `/api/v1/me`: the caller's own account, profile, password and sessions.
struct MeController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let me = routes.grouped("api", "v1", "me")
        me.get(use: show)
        me.patch(use: update)
        me.post("password", use: changePassword)
        me.get("sessions", use: sessions)
        me.delete("sessions", ":sessionID", use: endSession)
    }

    /// A tenant account read a moment ago is answered on the event loop, without a task or a
    /// database round trip (`SealedAccountMemo`; its fields are opened now); anything else loads.
    @Sendable
    func show(req: Request) throws -> EventLoopFuture<MeDTO> {
        let principal = try req.principal()
        if AccessDecision.isAllowed(principal, .profileRead, on: .account(principal.subjectID)),
           let profile = try req.services.accounts.profiles.rememberedProfile(of: principal) {
            return req.eventLoop.makeSucceededFuture(userDTO(profile, principal))
        }
        return req.eventLoop.makeFutureWithTask { try await load(req: req) }
    }

    private func load(req: Request) async throws -> MeDTO {
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
            return try await userDTO(req.services.accounts.profiles.profile(of: principal, on: req.db), principal)
        }
    }

    /// `{display_name?, phone?, locale?, notification_channels?}`; `null` clears a field.
    @Sendable
    func update(req: Request) async throws -> MeDTO {
        let principal = try req.principal()
        let changes = try await req.validatedBody(ProfileUpdateBody.self).changes
        return try await userDTO(req.services.accounts.profiles.update(changes, of: principal, origin: req.origin), principal)
    }

    /// `{current_password, new_password}`: ends every other session, keeps this one.
    @Sendable
    func changePassword(req: Request) async throws -> Response {
        let body = try await req.validatedBody(PasswordChangeBody.self)
        try await req.services.accounts.passwordChange.change(of: try req.principal(), current: body.currentPassword, new: body.newPassword,
                                                              origin: req.origin)
        return Response(status: .noContent)
    }

    @Sendable
    func sessions(req: Request) async throws -> SessionListDTO {
        SessionListDTO(items: try await req.services.accounts.sessions.list(of: try req.principal()).map(SessionDTO.init))
    }

    @Sendable
    func endSession(req: Request) async throws -> Response {
        let id = try req.uuidParameter("sessionID", what: "Session")
        try await req.services.accounts.sessions.end(id, of: try req.principal(), origin: req.origin)
        return Response(status: .noContent)
    }

    private func userDTO(_ profile: AccountProfile, _ principal: Principal) -> MeDTO {
        var dto = MeDTO(id: principal.subjectID, kind: "user", tenantID: principal.tenantID, email: profile.email,
                        displayName: profile.displayName, roles: principal.grants.map(RoleGrantDTO.init), amr: principal.amr)
        dto.phone = profile.phone
        dto.locale = profile.locale
        dto.notificationChannels = profile.notificationChannels?.map(\.rawValue)
        return dto
    }
}
