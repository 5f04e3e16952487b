import CareFlowCore
import Vapor

/// What every console template receives: the page's own `content`, and around it what the
/// layout (`Resources/Views/console/layout.leaf`) draws — title, menu, who is signed in, the
/// form token, a notice. Leaf escapes every `#(…)`; only server-drawn SVG goes through
/// `#unsafeHTML`.
struct ConsolePageContext<Content: Encodable & Sendable>: Encodable, Sendable {
    let title: String
    let csrf: String
    let nav: [ConsoleNavItem]
    let signedIn: Bool
    let enrolmentOnly: Bool
    let notice: ConsoleNotice?
    let content: Content
    let paths: ConsolePathsContext
}

/// A line shown above the page: an error the person can act on, or a confirmation.
struct ConsoleNotice: Encodable, Sendable {
    enum Kind: String, Encodable, Sendable { case error, success, info }
    let kind: Kind
    let text: String

    static func error(_ text: String) -> ConsoleNotice { ConsoleNotice(kind: .error, text: text) }
    static func success(_ text: String) -> ConsoleNotice { ConsoleNotice(kind: .success, text: text) }
    static func info(_ text: String) -> ConsoleNotice { ConsoleNotice(kind: .info, text: text) }
}

/// The paths templates link to.
struct ConsolePathsContext: Encodable, Sendable {
    let home = ConsolePaths.home
    let signIn = ConsolePaths.signIn
    let signOut = ConsolePaths.signOut
    let stylesheet = ConsolePaths.stylesheet
}

/// Nothing of its own to show.
struct NoContent: Encodable, Sendable {}

enum ConsolePage {
    /// Renders `console/<template>.leaf` inside the layout, as an HTML response.
    static func render<Content: Encodable & Sendable>(
        _ template: String, title: String, content: Content, notice: ConsoleNotice? = nil,
        status: HTTPResponseStatus = .ok, on request: Request
    ) async throws -> Response {
        let signedIn = request.consoleSession
        let context = ConsolePageContext(
            title: title, csrf: request.consoleFormToken,
            nav: signedIn.map { $0.principal.enrolmentOnly ? [] : ConsoleNavigation.items(for: $0.principal, currentPath: request.url.path) } ?? [],
            signedIn: signedIn != nil, enrolmentOnly: signedIn?.principal.enrolmentOnly ?? false,
            notice: notice, content: content, paths: ConsolePathsContext())
        let view = try await request.view.render("console/\(template)", context)
        let response = try await view.encodeResponse(for: request)
        response.status = status
        response.headers.contentType = .html
        return response
    }
}
