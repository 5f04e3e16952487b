import CareFlowCore
import Vapor

/// The page behind the self-signup confirmation email. Opening the link only shows a button:
/// mail systems' link scanners GET every link, and must not confirm an address nobody read.
/// The button's POST is `SignupService.verifyEmail`, as the API's `POST …/auth/verify-email`.
struct ConsoleEmailVerificationController: RouteCollection {
    /// The API's limit on its auth routes, shared by the pages behind emailed links.
    let limit: AuthRateLimitMiddleware

    func boot(routes: any RoutesBuilder) throws {
        routes.get("verify-email", use: page)
        routes.grouped(limit).post("verify-email", use: verify)
        routes.get("verify-email", "done", use: done)
    }

    struct VerifyContent: Encodable, Sendable {
        let token: String
        let tenantName: String
    }

    @Sendable
    func page(req: Request) async throws -> Response {
        guard let token = ConsoleEmailedLinks.token(req.query[String.self, at: "token"]),
              let preview = try await ConsoleEmailedLinks.usable({ try await req.services.accounts.signup.previewVerification(token: token) })
        else { return try await ConsoleEmailedLinks.expired(.verification, on: req) }
        return try await ConsolePage.render("verify-email", title: "Confirm your email address",
                                            content: VerifyContent(token: token, tenantName: preview.tenantName), on: req)
    }

    @Sendable
    func verify(req: Request) async throws -> Response {
        let form = try ConsoleFormFields(req)
        guard let token = ConsoleEmailedLinks.token(form.secret("token", maxLength: 256)),
              let preview = try await ConsoleEmailedLinks.usable({ try await req.services.accounts.signup.previewVerification(token: token) })
        else { return try await ConsoleEmailedLinks.expired(.verification, on: req) }
        do {
            try await req.services.accounts.signup.verifyEmail(token: token, origin: req.origin)
        } catch AppError.gone {
            return try await ConsoleEmailedLinks.expired(.verification, on: req)
        }
        return ConsoleEmailedLinks.redirect(to: ConsolePaths.verifyEmailDone, tenant: preview.tenantSlug, on: req)
    }

    @Sendable
    func done(req: Request) async throws -> Response {
        try await ConsoleEmailedLinks.done(.verification, title: "Email address confirmed", on: req)
    }
}
