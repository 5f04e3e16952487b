import CareFlowCore
import Vapor

/// `/api/v1/auth`: login, refresh, logout, invitation acceptance.
struct AuthController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let auth = routes.grouped("api", "v1", "auth")
        auth.post("login", use: login)
        auth.post("mfa", "verify", use: verifyMFA)
        auth.post("refresh", use: refresh)
        auth.post("logout", use: logout)
        auth.post("invitations", "accept", use: acceptInvitation)
    }

    @Sendable
    func login(req: Request) async throws -> Response {
        var body = FieldReader(try await req.jsonObject())
        // Without a tenant the login is a platform operator's.
        let tenant = body.string("tenant", required: false, maxLength: 63)
        let email = body.email("email")
        let password = body.secret("password", maxLength: 1024)
        try body.finish()
        switch try await req.services.auth.login(tenantSlug: tenant, email: email!, password: password!, origin: req.origin) {
        case .tokens(let pair):
            return try await TokenResponse(pair).encodeResponse(for: req)
        case .mfaRequired(let token):
            return try await MFARequiredResponse(mfaToken: token).encodeResponse(for: req)
        }
    }

    /// The second step: `{mfa_token, code}` with a TOTP or a recovery code.
    @Sendable
    func verifyMFA(req: Request) async throws -> TokenResponse {
        var body = FieldReader(try await req.jsonObject())
        let token = body.secret("mfa_token", maxLength: 256)
        let code = body.string("code", maxLength: 64)
        try body.finish()
        return TokenResponse(try await req.services.mfa.verifyChallenge(token: token!, code: code!, origin: req.origin))
    }

    @Sendable
    func refresh(req: Request) async throws -> TokenResponse {
        var body = FieldReader(try await req.jsonObject())
        let token = body.secret("refresh_token", maxLength: 256)
        try body.finish()
        return TokenResponse(try await req.services.auth.refresh(token!, origin: req.origin))
    }

    /// Revokes the session of the bearer token, or of the refresh token in the body.
    @Sendable
    func logout(req: Request) async throws -> Response {
        if let bearer = req.headers.bearerAuthorization {
            let principal = try await req.services.auth.authenticate(bearer: bearer.token)
            try await req.services.auth.logout(principal: principal, origin: req.origin)
        } else {
            var body = FieldReader(try await req.jsonObject())
            let token = body.secret("refresh_token", maxLength: 256)
            try body.finish()
            try await req.services.auth.logout(refreshToken: token!, origin: req.origin)
        }
        return Response(status: .noContent)
    }

    @Sendable
    func acceptInvitation(req: Request) async throws -> Response {
        var body = FieldReader(try await req.jsonObject())
        let token = body.secret("token", maxLength: 256)
        let password = body.secret("password", maxLength: 1024)
        try body.finish()
        try await req.services.invitations.accept(token: token!, password: password!, origin: req.origin)
        return Response(status: .noContent)
    }
}
