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

    /// `{tenant, email, password, given_name, family_name, birth_date, phone?}` → 201 whether or
    /// not the address already has an account.
    @Sendable
    func signup(req: Request) async throws -> Response {
        var body = FieldReader(try await req.jsonObject())
        let tenant = body.string("tenant", maxLength: 63)
        let email = body.email("email")
        let password = body.secret("password", maxLength: 1024)
        let given = body.string("given_name", maxLength: 100)
        let family = body.string("family_name", maxLength: 100)
        let birthDate: String?
        switch PatientBodyReader.birthDate(&body) {
        case .some(.some(let date)): birthDate = date
        case .some(.none) where body.errors.contains { $0.field == "birth_date" }: birthDate = nil
        default:
            body.fail("birth_date", "is required")
            birthDate = nil
        }
        let phone = body.string("phone", required: false, maxLength: 16, pattern: PatientBodyReader.phonePattern,
                                patternHint: "must be an E.164 number such as +250788123456")
        try body.finish()
        try await req.services.accounts.signup.signup(
            SignupRequest(tenantSlug: tenant!, email: email!, password: password!, givenName: given!, familyName: family!,
                          birthDate: birthDate!, phone: phone),
            origin: req.origin)
        return try AccountRequestAcceptedDTO.signup.response(.created)
    }

    @Sendable
    func verifyEmail(req: Request) async throws -> Response {
        var body = FieldReader(try await req.jsonObject())
        let token = body.secret("token", maxLength: 256)
        try body.finish()
        try await req.services.accounts.signup.verifyEmail(token: token!, origin: req.origin)
        return Response(status: .noContent)
    }

    /// Always 202 with the same body: nothing tells whether the tenant or the account exists.
    @Sendable
    func forgotPassword(req: Request) async throws -> Response {
        var body = FieldReader(try await req.jsonObject())
        let tenant = body.string("tenant", maxLength: 63)
        let email = body.email("email")
        try body.finish()
        try await req.services.accounts.passwordReset.requestReset(tenantSlug: tenant!, email: email!, origin: req.origin)
        return try AccountRequestAcceptedDTO.passwordReset.response(.accepted)
    }

    @Sendable
    func resetPassword(req: Request) async throws -> Response {
        var body = FieldReader(try await req.jsonObject())
        let token = body.secret("token", maxLength: 256)
        let password = body.secret("password", maxLength: 1024)
        try body.finish()
        try await req.services.accounts.passwordReset.reset(token: token!, password: password!, origin: req.origin)
        return Response(status: .noContent)
    }
}
