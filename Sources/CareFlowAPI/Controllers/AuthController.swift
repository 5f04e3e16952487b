import CareFlowCore
import Vapor

/// `/api/v1/auth`: login, refresh, logout, invitation acceptance, patient self-signup and
/// password reset.
struct AuthController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let auth = routes.grouped("api", "v1", "auth")
        auth.post("login", use: login)
        auth.post("mfa", "verify", use: verifyMFA)
        auth.post("refresh", use: refresh)
        auth.post("logout", use: logout)
        auth.post("invitations", "accept", use: acceptInvitation)
        auth.post("signup", use: signup)
        auth.post("verify-email", use: verifyEmail)
        auth.post("password", "forgot", use: forgotPassword)
        auth.post("password", "reset", use: resetPassword)
    }

    @Sendable
    func login(req: Request) async throws -> Response {
        let body = try await req.validatedBody(LoginBody.self)
        switch try await req.services.auth.login(tenantSlug: body.tenant, email: body.email, password: body.password, origin: req.origin) {
        case .tokens(let pair):
            return try await TokenResponse(pair).encodeResponse(for: req)
        case .mfaRequired(let token):
            return try await MFARequiredResponse(mfaToken: token).encodeResponse(for: req)
        }
    }

    /// The second step: `{mfa_token, code}` with a TOTP or a recovery code.
    @Sendable
    func verifyMFA(req: Request) async throws -> TokenResponse {
        let body = try await req.validatedBody(MFAVerifyBody.self)
        return TokenResponse(try await req.services.mfa.verifyChallenge(token: body.mfaToken, code: body.code, origin: req.origin))
    }

    @Sendable
    func refresh(req: Request) async throws -> TokenResponse {
        let body = try await req.validatedBody(RefreshBody.self)
        return TokenResponse(try await req.services.auth.refresh(body.refreshToken, origin: req.origin))
    }

    /// Revokes the session of the bearer token, or of the refresh token in the body.
    @Sendable
    func logout(req: Request) async throws -> Response {
        if let bearer = req.headers.bearerAuthorization {
            let principal = try await req.services.auth.authenticate(bearer: bearer.token)
            try await req.services.auth.logout(principal: principal, origin: req.origin)
        } else {
            let body = try await req.validatedBody(RefreshBody.self)
            try await req.services.auth.logout(refreshToken: body.refreshToken, origin: req.origin)
        }
        return Response(status: .noContent)
    }

    @Sendable
    func acceptInvitation(req: Request) async throws -> Response {
        let body = try await req.validatedBody(TokenPasswordBody.self)
        try await req.services.invitations.accept(token: body.token, password: body.password, origin: req.origin)
        return Response(status: .noContent)
    }

    /// `{tenant, email, password, given_name, family_name, birth_date, phone?}` → 201 whether or
    /// not the address already has an account.
    @Sendable
    func signup(req: Request) async throws -> Response {
        let body = try await req.validatedBody(SignupBody.self)
        try await req.services.accounts.signup.signup(body.request, origin: req.origin)
        return try AccountRequestAcceptedDTO.signup.response(.created)
    }

    @Sendable
    func verifyEmail(req: Request) async throws -> Response {
        let body = try await req.validatedBody(TokenBody.self)
        try await req.services.accounts.signup.verifyEmail(token: body.token, origin: req.origin)
        return Response(status: .noContent)
    }

    /// Always 202 with the same body: nothing tells whether the tenant or the account exists.
    @Sendable
    func forgotPassword(req: Request) async throws -> Response {
        let body = try await req.validatedBody(ForgotPasswordBody.self)
        try await req.services.accounts.passwordReset.requestReset(tenantSlug: body.tenant, email: body.email, origin: req.origin)
        return try AccountRequestAcceptedDTO.passwordReset.response(.accepted)
    }

    @Sendable
    func resetPassword(req: Request) async throws -> Response {
        let body = try await req.validatedBody(TokenPasswordBody.self)
        try await req.services.accounts.passwordReset.reset(token: body.token, password: body.password, origin: req.origin)
        return Response(status: .noContent)
    }
}
