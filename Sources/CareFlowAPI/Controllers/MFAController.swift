import CareFlowCore
import Fluent
import Vapor

/// `/api/v1/me/mfa`: the caller's own TOTP. Enrolment is reachable with an enrolment-only
/// token; the rest needs a full session.
struct MFAController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let enrolment = routes.grouped(BearerAuthenticationMiddleware(allowEnrolmentOnly: true)).grouped("api", "v1", "me", "mfa", "totp")
        enrolment.post(use: start)
        enrolment.post("confirm", use: confirm)
        let manage = routes.grouped(BearerAuthenticationMiddleware()).grouped("api", "v1", "me", "mfa")
        manage.post("recovery-codes", use: regenerate)
        manage.post("totp", "disable", use: disable)
    }

    @Sendable
    func start(req: Request) async throws -> Response {
        let principal = try req.principal()
        let (issuer, account) = try await req.totpLabel(for: principal)
        let enrolment = try await req.services.mfa.startEnrolment(principal, issuer: issuer, account: account, origin: req.origin)
        return try await TOTPEnrolmentDTO(secret: enrolment.secret, otpauthURI: enrolment.otpauthURI).encodeResponse(status: .created, for: req)
    }

    @Sendable
    func confirm(req: Request) async throws -> RecoveryCodesDTO {
        let code = try await readCode(req)
        return RecoveryCodesDTO(recoveryCodes: try await req.services.mfa.confirm(try req.principal(), code: code, origin: req.origin))
    }

    @Sendable
    func regenerate(req: Request) async throws -> RecoveryCodesDTO {
        let code = try await readCode(req)
        return RecoveryCodesDTO(recoveryCodes: try await req.services.mfa.regenerateRecoveryCodes(try req.principal(), code: code, origin: req.origin))
    }

    @Sendable
    func disable(req: Request) async throws -> Response {
        let principal = try req.principal()
        let code = try await readCode(req)
        var requires: [Role] = []
        if principal.tenantID != nil { requires = req.services.tenants[try await req.currentTenantSlug()]?.mfaRequiredFor ?? [] }
        let mandatory = MFAPolicy.isRequired(for: principal.grants, tenantRequires: requires)
        try await req.services.mfa.disable(principal, code: code, mandatory: mandatory, origin: req.origin)
        return Response(status: .noContent)
    }

    private func readCode(_ req: Request) async throws -> String {
        try await req.validatedBody(CodeBody.self).code
    }
}

struct TOTPEnrolmentDTO: Content {
    let secret: String
    let otpauthURI: String

    enum CodingKeys: String, CodingKey {
        case secret
        case otpauthURI = "otpauth_uri"
    }
}

struct RecoveryCodesDTO: Content {
    let recoveryCodes: [String]

    enum CodingKeys: String, CodingKey {
        case recoveryCodes = "recovery_codes"
    }
}
