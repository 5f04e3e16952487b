import Vapor

/// Headers of every console response: a Content-Security-Policy with no inline script or
/// style (charts and QR codes are SVG elements with presentation attributes, the stylesheet is
/// a file), no framing, no caching of pages that show PHI or one-time secrets, and no referrer
/// (emailed links carry tokens in their query).
struct ConsoleSecurityHeadersMiddleware: AsyncMiddleware {
    static let contentSecurityPolicy = [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
    ].joined(separator: "; ")

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let response = try await next.respond(to: request)
        let headers = [
            ("Content-Security-Policy", Self.contentSecurityPolicy),
            ("X-Content-Type-Options", "nosniff"),
            ("X-Frame-Options", "DENY"),
            ("Referrer-Policy", "no-referrer"),
        ]
        for (name, value) in headers { response.headers.replaceOrAdd(name: name, value: value) }
        if response.headers.first(name: .cacheControl) == nil {
            response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        }
        return response
    }
}
