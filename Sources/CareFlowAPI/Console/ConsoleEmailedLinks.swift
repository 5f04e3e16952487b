import CareFlowCore
import Vapor

/// What the three pages behind emailed links (invitation, password reset, email verification)
/// share: reading the token from the link, the new password typed twice, the "expired or used"
/// page with a way to ask again, and the "done, now sign in" page. The rules stay in the
/// services; this only turns their answers into pages.
enum ConsoleEmailedLinks {
    /// The kinds of link, each with its own way to ask for a new one.
    enum Kind: String, Encodable, Sendable {
        case invitation, reset, verification
    }

    /// Tokens are base64url (`SecureToken`); anything else cannot be a link CareFlow sent, and is
    /// treated as an unusable link without touching the database.
    static func token(_ raw: String?) -> String? {
        guard let raw, !raw.isEmpty, raw.count <= 256,
              raw.unicodeScalars.allSatisfy({ CharacterSet.alphanumerics.contains($0) && $0.isASCII || $0 == "-" || $0 == "_" })
        else { return nil }
        return raw
    }

    /// The link's preview, or nil when the service says the link is unknown, used or expired.
    static func usable(_ preview: () async throws -> EmailedLinkPreview) async throws -> EmailedLinkPreview? {
        do {
            return try await preview()
        } catch AppError.gone {
            return nil
        }
    }

    /// A tenant slug to prefill a form or a sign-in link with; nil unless it looks like one.
    static func slug(_ raw: String?) -> String? {
        guard let raw, !raw.isEmpty, raw.count <= 63,
              raw.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" })
        else { return nil }
        return raw
    }

    static func signInPath(tenant: String?) -> String {
        slug(tenant).map { "\(ConsolePaths.signIn)?tenant=\($0)" } ?? ConsolePaths.signIn
    }

    /// The new password from `password` and `password_confirm`, or the sentence that says what
    /// is wrong with what was typed (the policy itself is the service's).
    static func newPassword(_ form: ConsoleFormFields) -> Result<String, NewPasswordProblem> {
        guard let password = form.secret("password"), let again = form.secret("password_confirm") else {
            return .failure(NewPasswordProblem(text: "Enter the new password twice."))
        }
        guard password == again else { return .failure(NewPasswordProblem(text: "The two passwords are not the same. Type the new password twice.")) }
        return .success(password)
    }

    struct NewPasswordProblem: Error {
        let text: String
    }

    /// A refusal of the password policy as one sentence: "The password must be at least 12
    /// characters; must use at least 4 different characters."
    static func policyMessage(_ errors: [FieldError]) -> String {
        let reasons = errors.filter { $0.field == "password" }.map(\.reason)
        return reasons.isEmpty ? "The password was refused." : "The password \(reasons.joined(separator: "; "))."
    }

    struct ExpiredContent: Encodable, Sendable {
        let kind: Kind
        let forgotPath = ConsolePaths.passwordForgot
    }

    /// 410: the link is unknown, used or expired (the services give one answer for all three),
    /// with the way to ask again: a new reset link from the form on the page; for an invitation,
    /// the administrator (inviting the same address again sends a new link); for a verification,
    /// a reset link, which also confirms the address (`PasswordResetService.reset` activates an
    /// account that was never activated) — self-signup has no resend of its own.
    static func expired(_ kind: Kind, on req: Request) async throws -> Response {
        try await ConsolePage.render("link-expired", title: "Link expired or used", content: ExpiredContent(kind: kind),
                                     status: .gone, on: req)
    }

    struct DoneContent: Encodable, Sendable {
        let kind: Kind
        let signInPath: String
    }

    /// The page after the link did its work: what happened, and sign-in for the tenant.
    static func done(_ kind: Kind, title: String, on req: Request) async throws -> Response {
        let content = DoneContent(kind: kind, signInPath: signInPath(tenant: req.query[String.self, at: "tenant"]))
        return try await ConsolePage.render("link-done", title: title, content: content, on: req)
    }

    /// Where the POST sends the browser once the link has done its work (POST-redirect-GET).
    static func redirect(to path: String, tenant: String, on req: Request) -> Response {
        req.redirect(to: slug(tenant).map { "\(path)?tenant=\($0)" } ?? path)
    }
}
