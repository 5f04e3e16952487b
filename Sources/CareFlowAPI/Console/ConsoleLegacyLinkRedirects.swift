import Vapor

/// The addresses emails linked to before the console existed (`/invitations/accept`,
/// `/password/reset`, `/verify-email`), kept working for emails already sent: a permanent
/// redirect (308) to the console page, carrying only the token, and only when it has the
/// shape of one (anything else lands on the page's "expired or used" answer).
struct ConsoleLegacyLinkRedirects: RouteCollection {
    static let moved: [(old: [PathComponent], new: String)] = [
        (["invitations", "accept"], ConsolePaths.invitationAccept),
        (["password", "reset"], ConsolePaths.passwordReset),
        (["verify-email"], ConsolePaths.verifyEmail),
    ]

    func boot(routes: any RoutesBuilder) throws {
        for (old, new) in Self.moved {
            routes.get(old) { req -> Response in
                let token = ConsoleEmailedLinks.token(req.query[String.self, at: "token"])
                let location = token.map { "\(new)?token=\($0)" } ?? new
                let response = Response(status: .permanentRedirect)
                response.headers.replaceOrAdd(name: .location, value: location)
                // The query carries a token: no referrer, no caching by intermediaries.
                response.headers.replaceOrAdd(name: "Referrer-Policy", value: "no-referrer")
                response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
                return response
            }
        }
    }
}
