import Foundation

/// A webhook request as its verifier and decoder see it: nothing of the HTTP framework.
public struct InboundWebhook: Sendable {
    /// The body as received.
    public let body: Data
    /// The form parameters in the order sent, values decoded; empty for a `.raw` route.
    public let form: [(String, String)]
    /// The URL the provider called as seen from outside (public origin + path + query), for
    /// verifiers that sign it; empty when the verifier does not.
    public let publicURL: String
    private let headers: @Sendable (String) -> String?

    public init(body: Data, form: [(String, String)] = [], publicURL: String = "", headers: @escaping @Sendable (String) -> String?) {
        self.body = body
        self.form = form
        self.publicURL = publicURL
        self.headers = headers
    }

    /// The first value of a request header (case-insensitive name).
    public func header(_ name: String) -> String? {
        headers(name)
    }

    /// The first value of each form parameter.
    public var formFields: [String: String] {
        Dictionary(form, uniquingKeysWith: { first, _ in first })
    }

    /// The form as one stable text (parameters sorted), what is digested for events that have
    /// no body of their own.
    public var canonicalForm: String {
        form.map { "\($0.0)=\($0.1)" }.sorted().joined(separator: "&")
    }
}
