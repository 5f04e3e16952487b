import CareFlowCore
import Vapor

/// The page behind an invitation email: who invited the address, and a new password typed
/// twice. Accepting goes through `InvitationService.accept`, the method behind the API's
/// `POST /api/v1/auth/invitations/accept` (the same policy, single use and audit event); then
/// "Your account is ready" and sign-in for the tenant.
struct ConsoleInvitationController: RouteCollection {
    /// The API's limit on its auth routes, shared by the pages behind emailed links.
    let limit: AuthRateLimitMiddleware

    func boot(routes: any RoutesBuilder) throws {
        routes.get("invitations", "accept", use: page)
        routes.grouped(limit).post("invitations", "accept", use: accept)
        routes.get("invitations", "accepted", use: accepted)
    }

    struct AcceptContent: Encodable, Sendable {
        let token: String
        let tenantName: String
        /// The policy's own number, for the hint under the fields.
        let minimumLength = PasswordPolicy.minimumLength
        let facilityName: String?
        let email: String
    }

    @Sendable
    func page(req: Request) async throws -> Response {
        guard let token = ConsoleEmailedLinks.token(req.query[String.self, at: "token"]),
              let preview = try await ConsoleEmailedLinks.usable({ try await req.services.invitations.preview(token: token) })
        else { return try await ConsoleEmailedLinks.expired(.invitation, on: req) }
        return try await render(token: token, preview, notice: nil, status: .ok, on: req)
    }

    @Sendable
    func accept(req: Request) async throws -> Response {
        let form = try ConsoleFormFields(req)
        guard let token = ConsoleEmailedLinks.token(form.secret("token", maxLength: 256)),
              let preview = try await ConsoleEmailedLinks.usable({ try await req.services.invitations.preview(token: token) })
        else { return try await ConsoleEmailedLinks.expired(.invitation, on: req) }
        let password: String
        switch ConsoleEmailedLinks.newPassword(form) {
        case .failure(let problem):
            return try await render(token: token, preview, notice: .error(problem.text), status: .unprocessableEntity, on: req)
        case .success(let typed):
            password = typed
        }
        do {
            try await req.services.invitations.accept(token: token, password: password, origin: req.origin)
        } catch AppError.gone {
            return try await ConsoleEmailedLinks.expired(.invitation, on: req)
        } catch AppError.validation(let errors) {
            return try await render(token: token, preview, notice: .error(ConsoleEmailedLinks.policyMessage(errors)),
                                    status: .unprocessableEntity, on: req)
        }
        return ConsoleEmailedLinks.redirect(to: ConsolePaths.invitationAccepted, tenant: preview.tenantSlug, on: req)
    }

    @Sendable
    func accepted(req: Request) async throws -> Response {
        try await ConsoleEmailedLinks.done(.invitation, title: "Your account is ready", on: req)
    }

    private func render(token: String, _ preview: EmailedLinkPreview, notice: ConsoleNotice?, status: HTTPResponseStatus,
                        on req: Request) async throws -> Response {
        let content = AcceptContent(token: token, tenantName: preview.tenantName, facilityName: preview.facilityName,
                                    email: preview.email ?? "")
        return try await ConsolePage.render("invitation-accept", title: "Accept your invitation", content: content,
                                            notice: notice, status: status, on: req)
    }
}
