import Vapor

/// The console's cookies. All `HttpOnly`, `SameSite=Strict` and scoped to `/console`; `Secure`
/// unless CareFlow is served over plain HTTP on a loopback address (a developer's machine),
/// where a browser would refuse to send a `Secure` cookie back.
enum ConsoleCookies {
    /// The signed-in session's opaque token.
    static let session = "careflow_console"
    /// The password step's MFA challenge, for the code page that follows (five minutes).
    static let challenge = "careflow_console_mfa"
    /// The form token of pages shown before sign-in (double-submit).
    static let formToken = "careflow_console_csrf"

    static let path = "/console"

    static func make(_ value: String, maxAge: Int?, request: Request) -> HTTPCookies.Value {
        HTTPCookies.Value(string: value, expires: nil, maxAge: maxAge, domain: nil, path: path,
                          isSecure: isSecure(request), isHTTPOnly: true, sameSite: .strict)
    }

    /// A cookie that tells the browser to forget its value.
    static func expired(request: Request) -> HTTPCookies.Value {
        make("", maxAge: 0, request: request)
    }

    /// Secure except for `http://` public URLs on loopback hosts.
    static func isSecure(_ request: Request) -> Bool {
        let publicURL = request.services.configuration.publicURL
        guard let url = URL(string: publicURL), url.scheme == "http" else { return true }
        return !["127.0.0.1", "localhost", "::1", "[::1]"].contains(url.host ?? "")
    }
}
