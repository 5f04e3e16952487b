import CareFlowCore
import Foundation
import Testing
import Vapor
import VaporTesting

/// A browser for console tests, in-process: it keeps cookies as a browser would (set, replaced,
/// expired by `Max-Age=0`), posts forms urlencoded with the page's CSRF token, and follows
/// redirects only when asked, so tests can check each hop.
final class ConsoleBrowser: @unchecked Sendable {
    let app: Application
    private(set) var cookies: [String: String] = [:]
    /// The HTML of the last page fetched.
    private(set) var page = ""

    init(_ app: Application) {
        self.app = app
    }

    @discardableResult
    func get(_ path: String, headers extra: [(String, String)] = []) async throws -> TestingHTTPResponse {
        try await send(.GET, path, body: nil, extra: extra)
    }

    /// Posts `form` with the `csrf` field taken from the last page (unless `csrf` is given, or
    /// `withCSRF` is false).
    @discardableResult
    func post(_ path: String, form: [(String, String)], csrf: String? = nil, withCSRF: Bool = true,
              headers extra: [(String, String)] = []) async throws -> TestingHTTPResponse {
        var fields = form
        if withCSRF, let token = csrf ?? Self.csrf(in: page) { fields.append(("csrf", token)) }
        return try await send(.POST, path, body: Self.urlencoded(fields), extra: extra)
    }

    /// GETs the redirect target of a 3xx response; returns other responses unchanged.
    func follow(_ response: TestingHTTPResponse) async throws -> TestingHTTPResponse {
        guard (300..<400).contains(response.status.code), let location = response.headers.first(name: .location) else { return response }
        return try await get(location)
    }

    /// Signs in through the pages (password, then the TOTP code when asked) and ends on the
    /// page the console sends the user to. `totpStep` picks the time step of the code: the
    /// fixtures' own login already used the current one, and a step is accepted once.
    @discardableResult
    func signIn(tenant: String, email: String, password: String = testPassword, totpSecret: [UInt8]? = nil,
                totpStep: Int = 1) async throws -> TestingHTTPResponse {
        try await get("/console/sign-in")
        var response = try await post("/console/sign-in", form: [("tenant", tenant), ("email", email), ("password", password)])
        if response.headers.first(name: .location) == "/console/sign-in/code" {
            let secret = try #require(totpSecret, "\(email) has TOTP but no secret was given")
            try await get("/console/sign-in/code")
            let code = TOTP(secret: secret).code(at: Date().addingTimeInterval(Double(30 * totpStep)))
            response = try await post("/console/sign-in/code", form: [("code", code)])
        }
        return try await follow(response)
    }

    /// Signs in a fixture user (see `Fixtures.tenant`).
    @discardableResult
    func signIn(_ user: TestUser, tenant: TestTenant) async throws -> TestingHTTPResponse {
        try await signIn(tenant: tenant.tenant.slug, email: user.email, totpSecret: user.totpSecret)
    }

    /// The value of the first `name="csrf"` hidden field of `html`.
    static func csrf(in html: String) -> String? {
        guard let field = html.range(of: #"name="csrf" value=""#) else { return nil }
        let rest = html[field.upperBound...]
        guard let end = rest.firstIndex(of: "\"") else { return nil }
        return String(rest[..<end])
    }

    static func urlencoded(_ fields: [(String, String)]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return fields.map { key, value in
            "\(key.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")=\(value.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")"
        }.joined(separator: "&")
    }

    private func send(_ method: HTTPMethod, _ path: String, body: String?, extra: [(String, String)]) async throws -> TestingHTTPResponse {
        var headers = HTTPHeaders()
        if !cookies.isEmpty {
            headers.replaceOrAdd(name: .cookie, value: cookies.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "; "))
        }
        if body != nil { headers.contentType = .urlEncodedForm }
        for (name, value) in extra { headers.replaceOrAdd(name: name, value: value) }
        let response = try await app.testing().sendRequest(method, path, headers: headers, body: body.map { ByteBuffer(string: $0) })
        for header in response.headers[.setCookie] { remember(header) }
        if response.headers.contentType?.subType == "html" { page = response.text }
        return response
    }

    private func remember(_ setCookie: String) {
        let parts = setCookie.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        guard let pair = parts.first, let eq = pair.firstIndex(of: "=") else { return }
        let name = String(pair[..<eq]), value = String(pair[pair.index(after: eq)...])
        if parts.contains(where: { $0.lowercased() == "max-age=0" }) || value.isEmpty {
            cookies[name] = nil
        } else {
            cookies[name] = value
        }
    }
}
