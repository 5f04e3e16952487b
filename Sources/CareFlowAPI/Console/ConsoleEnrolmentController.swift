import CareFlowCore
import CareFlowSVG
import Vapor

/// TOTP enrolment in the console (issue 15): the QR code of the otpauth URI drawn by the server
/// as inline SVG (the secret never goes to an outside QR service), the secret as text for
/// manual entry, a code to confirm, then the ten recovery codes shown once. The steps are
/// `MFAService.startEnrolment` and `confirm`, the API's own (same throttle and audit events).
///
/// An admin held at enrolment (enrolment-only session) reaches these pages and sign-out only;
/// confirming ends that session, as on the API, so the next sign-in asks for the code.
struct ConsoleEnrolmentController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("mfa", "enrol", use: page)
        routes.post("mfa", "enrol", use: confirm)
    }

    struct EnrolmentContent: Encodable, Sendable {
        /// Markup built by `QRCode.svg`, the one value the template does not escape.
        let qrSVG: String
        /// The Base32 secret in groups of four, as authenticator apps ask for it.
        let secretGroups: String
        let issuer: String
        let account: String
        let action: String
    }

    struct RecoveryCodesContent: Encodable, Sendable {
        let codes: [String]
        let continuePath: String
        /// The enrolment-only session has ended: the button leads to sign-in.
        let signInAgain: Bool
    }

    /// Shows the pending enrolment, or starts one. A reload shows the same secret, so a code
    /// from an app that already scanned it still confirms.
    @Sendable
    func page(req: Request) async throws -> Response {
        let principal = try req.principal()
        let label = try await req.totpLabel(for: principal)
        let mfa = req.services.mfa
        let enrolment: MFAService.Enrolment
        if let pending = try await mfa.pendingEnrolment(principal, issuer: label.issuer, account: label.account) {
            enrolment = pending
        } else {
            enrolment = try await mfa.startEnrolment(principal, issuer: label.issuer, account: label.account, origin: req.origin)
        }
        return try await render(enrolment, label: label, notice: nil, status: .ok, req: req)
    }

    @Sendable
    func confirm(req: Request) async throws -> Response {
        let principal = try req.principal()
        let form = try ConsoleFormFields(req)
        guard let code = form.text("code", maxLength: 32)?.replacingOccurrences(of: " ", with: "") else {
            return try await pending(principal, notice: "Enter the 6-digit code your authenticator app shows.",
                                     status: .unprocessableEntity, req: req)
        }
        let codes: [String]
        do {
            codes = try await req.services.mfa.confirm(principal, code: code, origin: req.origin)
        } catch let error as AppError {
            switch error {
            case .validation:
                return try await pending(principal, notice: "That code is not the one your authenticator app shows now. "
                                         + "Check that the phone's clock is right and enter the current code.",
                                         status: .unprocessableEntity, req: req)
            case .rateLimited(let seconds):
                let response = try await pending(principal, notice: "Too many attempts. Try again in \(seconds) seconds.",
                                                 status: .tooManyRequests, req: req)
                response.headers.replaceOrAdd(name: .retryAfter, value: String(seconds))
                return response
            default:
                // No pending enrolment (confirmed in another tab, or never started): the
                // error page says so.
                throw error
            }
        }

        let signInAgain = principal.enrolmentOnly
        var clearCookie = false
        if signInAgain, let token = req.cookies[ConsoleCookies.session]?.string {
            // `confirm` revoked the enrolment-only login session; its console session goes too,
            // and the page renders as signed out.
            try await req.services.consoleSessions.discard(cookieToken: token)
            req.consoleSession = nil
            clearCookie = true
        }
        let content = RecoveryCodesContent(codes: codes,
                                           continuePath: signInAgain ? ConsolePaths.signIn + "?notice=enrolled" : ConsolePaths.home,
                                           signInAgain: signInAgain)
        let response = try await ConsolePage.render("mfa-recovery-codes", title: "Recovery codes", content: content,
                                                    notice: .success("Two-factor sign-in is on."), on: req)
        if clearCookie { response.cookies[ConsoleCookies.session] = ConsoleCookies.expired(request: req) }
        return response
    }

    /// The enrolment page again with what went wrong, showing the secret already scanned.
    private func pending(_ principal: Principal, notice: String, status: HTTPResponseStatus, req: Request) async throws -> Response {
        let label = try await req.totpLabel(for: principal)
        guard let enrolment = try await req.services.mfa.pendingEnrolment(principal, issuer: label.issuer, account: label.account) else {
            throw AppError.conflict("There is no pending TOTP enrolment; start one first")
        }
        return try await render(enrolment, label: label, notice: .error(notice), status: status, req: req)
    }

    private func render(_ enrolment: MFAService.Enrolment, label: (issuer: String, account: String), notice: ConsoleNotice?,
                        status: HTTPResponseStatus, req: Request) async throws -> Response {
        let qr = try QRCode(enrolment.otpauthURI)
        let content = EnrolmentContent(
            qrSVG: qr.svg(moduleSize: 5, label: "QR code for your authenticator app"),
            secretGroups: Self.groups(of: enrolment.secret), issuer: label.issuer, account: label.account,
            action: ConsolePaths.enrolment)
        return try await ConsolePage.render("mfa-enrol", title: "Set up two-factor sign-in", content: content,
                                            notice: notice, status: status, on: req)
    }

    /// "JBSWY3DPEHPK3PXP" → "JBSW Y3DP EHPK 3PXP".
    static func groups(of secret: String) -> String {
        var groups: [String] = []
        var rest = Substring(secret)
        while !rest.isEmpty {
            groups.append(String(rest.prefix(4)))
            rest = rest.dropFirst(4)
        }
        return groups.joined(separator: " ")
    }
}
