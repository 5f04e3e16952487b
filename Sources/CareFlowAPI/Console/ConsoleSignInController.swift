import CareFlowCore
import Vapor

/// Sign-in (tenant, email, password; then a TOTP or recovery code) and sign-out. The steps are
/// `AuthService.login` and `MFAService.verifyChallenge`, the API's own: the same throttle,
/// lockout, decoy hashing and audit events. Between the steps the challenge token lives in a
/// five-minute `HttpOnly` cookie, never in the page.
struct ConsoleSignInController: RouteCollection {
    let requestsPerMinute: Int

    func boot(routes: any RoutesBuilder) throws {
        routes.get("sign-in", use: signInPage)
        routes.get("sign-in", "code", use: codePage)
        let limited = routes.grouped(AuthRateLimitMiddleware(requestsPerMinute: requestsPerMinute))
        limited.post("sign-in", use: signIn)
        limited.post("sign-in", "code", use: verifyCode)
    }

    struct SignInContent: Encodable, Sendable {
        var tenant: String
        var email: String
    }

    struct CodeContent: Encodable, Sendable {}

    @Sendable
    func signInPage(req: Request) async throws -> Response {
        if let token = req.cookies[ConsoleCookies.session]?.string,
           try await req.services.consoleSessions.resolve(cookieToken: token) != nil {
            return req.redirect(to: ConsolePaths.home)
        }
        let notice: ConsoleNotice? = switch req.query[String.self, at: "notice"] {
        case "signed-out": .success("You are signed out.")
        case "enrolled": .success("Two-factor sign-in is on. Sign in again with your authenticator app.")
        case "expired": .info("That step took too long; sign in again.")
        default: nil
        }
        let tenant = String((req.query[String.self, at: "tenant"] ?? "").prefix(63))
        return try await ConsolePage.render("sign-in", title: "Sign in", content: SignInContent(tenant: tenant, email: ""),
                                            notice: notice, on: req)
    }

    @Sendable
    func signIn(req: Request) async throws -> Response {
        let form = try ConsoleFormFields(req)
        let tenant = form.text("tenant", maxLength: 63)
        let email = form.text("email", maxLength: 320)
        let filled = SignInContent(tenant: tenant ?? "", email: email ?? "")
        guard let tenant, let email, let password = form.secret("password") else {
            return try await ConsolePage.render("sign-in", title: "Sign in", content: filled,
                                                notice: .error("Enter the organisation, your email and your password."),
                                                status: .unprocessableEntity, on: req)
        }
        let outcome: LoginOutcome
        do {
            outcome = try await req.services.auth.login(tenantSlug: tenant, email: email, password: password, origin: req.origin)
        } catch let error as AppError {
            return try await refusal(error, page: "sign-in", content: filled, req: req)
        }
        switch outcome {
        case .tokens(let pair):
            return try await open(pair, req: req)
        case .mfaRequired(let challenge):
            let response = req.redirect(to: ConsolePaths.signInCode)
            response.cookies[ConsoleCookies.challenge] = ConsoleCookies.make(challenge, maxAge: 300, request: req)
            return response
        }
    }

    @Sendable
    func codePage(req: Request) async throws -> Response {
        guard req.cookies[ConsoleCookies.challenge]?.string.isEmpty == false else {
            return req.redirect(to: ConsolePaths.signIn)
        }
        return try await ConsolePage.render("sign-in-code", title: "Verification code", content: CodeContent(), on: req)
    }

    @Sendable
    func verifyCode(req: Request) async throws -> Response {
        guard let challenge = req.cookies[ConsoleCookies.challenge]?.string, !challenge.isEmpty else {
            return req.redirect(to: ConsolePaths.signIn + "?notice=expired")
        }
        let form = try ConsoleFormFields(req)
        guard let code = form.text("code", maxLength: 32)?.replacingOccurrences(of: " ", with: "") else {
            return try await ConsolePage.render("sign-in-code", title: "Verification code", content: CodeContent(),
                                                notice: .error("Enter the 6-digit code from your authenticator app, or a recovery code."),
                                                status: .unprocessableEntity, on: req)
        }
        let pair: TokenPair
        do {
            pair = try await req.services.mfa.verifyChallenge(token: challenge, code: code, origin: req.origin)
        } catch let error as AppError {
            if case .unauthenticated(let detail) = error, detail.contains("sign in again") {
                let response = req.redirect(to: ConsolePaths.signIn + "?notice=expired")
                response.cookies[ConsoleCookies.challenge] = ConsoleCookies.expired(request: req)
                return response
            }
            return try await refusal(error, page: "sign-in-code", content: CodeContent(), req: req)
        }
        let response = try await open(pair, req: req)
        response.cookies[ConsoleCookies.challenge] = ConsoleCookies.expired(request: req)
        return response
    }

    /// A refused step shown on its own page: the service's message (worded for people, and
    /// the same whatever the account's existence), with the status the API would answer.
    private func refusal<Content: Encodable & Sendable>(_ error: AppError, page: String, content: Content, req: Request) async throws -> Response {
        let title = page == "sign-in" ? "Sign in" : "Verification code"
        let response = try await ConsolePage.render(page, title: title, content: content, notice: .error(error.detail),
                                                    status: HTTPResponseStatus(statusCode: error.status), on: req)
        if case .rateLimited(let seconds) = error { response.headers.replaceOrAdd(name: .retryAfter, value: String(seconds)) }
        return response
    }

    /// The login succeeded: a console session, its cookie, and the first page (enrolment for an
    /// admin who has no second factor yet).
    private func open(_ pair: TokenPair, req: Request) async throws -> Response {
        let opened = try await req.services.consoleSessions.open(after: pair)
        let response = req.redirect(to: opened.principal.enrolmentOnly ? ConsolePaths.enrolment : ConsolePaths.home)
        response.cookies[ConsoleCookies.session] = ConsoleCookies.make(opened.cookieToken, maxAge: nil, request: req)
        return response
    }
}
