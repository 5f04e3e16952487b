import CareFlowCore
import Vapor

/// "Forgot your password?": asking for a reset link (organisation and email; always the same
/// answer, so the page tells nobody whether an account exists), and the page behind the link
/// (a new password typed twice). Both go through `PasswordResetService`, as the API's
/// `password/forgot` and `password/reset` do: the same hourly cap, policy, single use, session
/// revocation and audit events.
struct ConsolePasswordResetController: RouteCollection {
    /// The API's limit on its auth routes, shared by the pages behind emailed links.
    let limit: AuthRateLimitMiddleware

    func boot(routes: any RoutesBuilder) throws {
        let limited = routes.grouped(limit)
        routes.get("password", "forgot", use: forgotPage)
        limited.post("password", "forgot", use: forgot)
        routes.get("password", "reset", use: resetPage)
        limited.post("password", "reset", use: reset)
        routes.get("password", "reset", "done", use: done)
    }

    struct ForgotContent: Encodable, Sendable {
        let tenant: String
        let email: String
    }

    struct ResetContent: Encodable, Sendable {
        let token: String
        let tenantName: String
        /// The policy's own number, for the hint under the fields.
        let minimumLength = PasswordPolicy.minimumLength
    }

    @Sendable
    func forgotPage(req: Request) async throws -> Response {
        let notice: ConsoleNotice? = req.query[String.self, at: "notice"] == "sent" ? .success(sentMessage(req)) : nil
        let tenant = ConsoleEmailedLinks.slug(req.query[String.self, at: "tenant"]) ?? ""
        return try await ConsolePage.render("password-forgot", title: "Reset your password", content: ForgotContent(tenant: tenant, email: ""),
                                            notice: notice, on: req)
    }

    @Sendable
    func forgot(req: Request) async throws -> Response {
        let form = try ConsoleFormFields(req)
        let tenant = form.text("tenant", maxLength: 63)
        let email = form.text("email", maxLength: 254)?.lowercased()
        guard let tenant, let email, email.wholeMatch(of: /[^@\s]+@[^@\s]+\.[^@\s]+/) != nil else {
            return try await ConsolePage.render("password-forgot", title: "Reset your password",
                                                content: ForgotContent(tenant: tenant ?? "", email: email ?? ""),
                                                notice: .error("Enter the organisation and the email address of your account."),
                                                status: .unprocessableEntity, on: req)
        }
        try await req.services.accounts.passwordReset.requestReset(tenantSlug: tenant, email: email, origin: req.origin)
        // The same answer whether or not the organisation and the account exist.
        return req.redirect(to: ConsolePaths.passwordForgot + "?notice=sent")
    }

    @Sendable
    func resetPage(req: Request) async throws -> Response {
        guard let token = ConsoleEmailedLinks.token(req.query[String.self, at: "token"]),
              let preview = try await ConsoleEmailedLinks.usable({ try await req.services.accounts.passwordReset.preview(token: token) })
        else { return try await ConsoleEmailedLinks.expired(.reset, on: req) }
        return try await render(token: token, preview, notice: nil, status: .ok, on: req)
    }

    @Sendable
    func reset(req: Request) async throws -> Response {
        let form = try ConsoleFormFields(req)
        guard let token = ConsoleEmailedLinks.token(form.secret("token", maxLength: 256)),
              let preview = try await ConsoleEmailedLinks.usable({ try await req.services.accounts.passwordReset.preview(token: token) })
        else { return try await ConsoleEmailedLinks.expired(.reset, on: req) }
        let password: String
        switch ConsoleEmailedLinks.newPassword(form) {
        case .failure(let problem):
            return try await render(token: token, preview, notice: .error(problem.text), status: .unprocessableEntity, on: req)
        case .success(let typed):
            password = typed
        }
        do {
            try await req.services.accounts.passwordReset.reset(token: token, password: password, origin: req.origin)
        } catch AppError.gone {
            return try await ConsoleEmailedLinks.expired(.reset, on: req)
        } catch AppError.validation(let errors) {
            return try await render(token: token, preview, notice: .error(ConsoleEmailedLinks.policyMessage(errors)),
                                    status: .unprocessableEntity, on: req)
        }
        return ConsoleEmailedLinks.redirect(to: ConsolePaths.passwordResetDone, tenant: preview.tenantSlug, on: req)
    }

    @Sendable
    func done(req: Request) async throws -> Response {
        try await ConsoleEmailedLinks.done(.reset, title: "Password changed", on: req)
    }

    private func render(token: String, _ preview: EmailedLinkPreview, notice: ConsoleNotice?, status: HTTPResponseStatus,
                        on req: Request) async throws -> Response {
        try await ConsolePage.render("password-reset", title: "Choose a new password",
                                     content: ResetContent(token: token, tenantName: preview.tenantName),
                                     notice: notice, status: status, on: req)
    }

    private func sentMessage(_ req: Request) -> String {
        let minutes = Int(req.services.accounts.passwordReset.lifetime / 60)
        return "If an account exists for that address, we sent it a link to reset the password. The link works once and expires in \(minutes) minutes."
    }
}
