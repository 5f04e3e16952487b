import CareFlowCore
import Vapor

/// Pages for signed-in people: resolves the session cookie to a live session and its caller
/// (roles as the database holds them now) and logs the caller in, so `req.principal()` and
/// `req.context()` work as on the API and pages call the same services. No session: to the
/// sign-in page. An admin who must still enrol TOTP reaches the enrolment pages only.
struct ConsoleAuthMiddleware: AsyncMiddleware {
    /// The enrolment pages themselves (and sign-out) set this.
    var allowEnrolmentOnly = false
    /// The sign-in page's notice when the cookie was sent but its session has ended (the
    /// enrolment pages: "that step took too long"); nil sends to sign-in without one.
    var endedSessionNotice: String? = nil

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard let token = request.cookies[ConsoleCookies.session]?.string, !token.isEmpty,
              let (session, principal) = try await request.services.consoleSessions.resolve(cookieToken: token)
        else {
            let sentCookie = request.cookies[ConsoleCookies.session]?.string.isEmpty == false
            let notice = sentCookie ? endedSessionNotice.map { "?notice=\($0)" } ?? "" : ""
            let response = request.redirect(to: ConsolePaths.signIn + notice)
            response.cookies[ConsoleCookies.session] = ConsoleCookies.expired(request: request)
            return response
        }
        if principal.enrolmentOnly && !allowEnrolmentOnly {
            return request.redirect(to: ConsolePaths.enrolment)
        }
        request.consoleSession = ConsoleSignedIn(session: session, principal: principal)
        request.auth.login(principal)
        request.logger[metadataKey: "user_id"] = .string(principal.subjectID.lowercasedString)
        if let tid = principal.tenantID { request.logger[metadataKey: "tenant_id"] = .string(tid.lowercasedString) }
        return try await next.respond(to: request)
    }
}
