import CareFlowCore
import Crypto
import Vapor

/// Every state-changing console request carries the form token in a `csrf` form field: the
/// signed-in session's token, or before sign-in the value of the form-token cookie
/// (double-submit). A request whose `Origin` is another site is refused as well. Checked here,
/// once, so no page can forget it; the body is collected first (console forms are small).
struct ConsoleCSRFMiddleware: AsyncMiddleware {
    static let field = "csrf"

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard ![.GET, .HEAD].contains(request.method) else { return try await next.respond(to: request) }
        // `Origin: null` states no origin: browsers send it for every form of a page served with
        // `Referrer-Policy: no-referrer`, as all console pages are (Fetch: "serializing a request
        // origin"). Such a post is judged by its token alone, like one without the header.
        if let origin = request.headers.first(name: .origin), origin != "null", !Self.isSameOrigin(origin, request) {
            throw AppError.forbidden("The form came from another site")
        }
        _ = try await request.body.collect(max: request.application.routes.defaultMaxBodySize.value).get()
        let sent = (try? request.content.get(String.self, at: Self.field)) ?? ""
        let expected = request.consoleSession?.session.csrfToken ?? request.cookies[ConsoleCookies.formToken]?.string ?? ""
        guard !expected.isEmpty, Self.equal(sent, expected) else {
            throw AppError.forbidden("The form has expired; reload the page and try again")
        }
        return try await next.respond(to: request)
    }

    /// `Origin` against the public URL, or against the Host the request was sent to.
    static func isSameOrigin(_ origin: String, _ request: Request) -> Bool {
        let trimmed = origin.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        if trimmed == request.services.configuration.publicURL { return true }
        guard let host = request.headers.first(name: .host), let url = URL(string: trimmed) else { return false }
        let originHost = url.port.map { "\(url.host ?? ""):\($0)" } ?? (url.host ?? "")
        return originHost == host
    }

    /// Constant time in the length of the expected token.
    static func equal(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

extension Request {
    /// The form token pages put in their forms: the session's, or the pre-sign-in cookie's
    /// (created here, and set on the response by `ConsoleFormTokenMiddleware`).
    var consoleFormToken: String {
        if let session = consoleSession { return session.session.csrfToken }
        if let existing = cookies[ConsoleCookies.formToken]?.string, !existing.isEmpty { return existing }
        if let minted = storage[ConsoleFormTokenKey.self] { return minted }
        let minted = SecureToken.generate()
        storage[ConsoleFormTokenKey.self] = minted
        return minted
    }
}

struct ConsoleFormTokenKey: StorageKey {
    typealias Value = String
}

/// Sets the pre-sign-in form-token cookie when a page minted one.
struct ConsoleFormTokenMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let response = try await next.respond(to: request)
        if let minted = request.storage[ConsoleFormTokenKey.self] {
            response.cookies[ConsoleCookies.formToken] = ConsoleCookies.make(minted, maxAge: nil, request: request)
        }
        return response
    }
}
