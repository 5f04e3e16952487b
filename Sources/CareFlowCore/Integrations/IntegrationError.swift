/// Why a call to an integration failed, classified for the outbox worker: retry later, give
/// up, drop the recipient, or alert an admin. The message never contains a secret or PHI.
public struct IntegrationError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable, Hashable {
        /// Rate limits (429), provider errors (5xx), timeouts and connection failures: try again
        /// later, not before `retryAfter` when the provider named one.
        case retryable
        /// The request itself is wrong or was refused for good (400s, a declined card).
        case permanent
        /// The recipient can never receive (dead FCM token, invalid phone number): stop sending
        /// to it; for push, delete the device registration.
        case deadRecipient
        /// Credentials refused (401/403) or settings unusable: an admin must fix the tenant file.
        case misconfigured
        /// The provider answered 2xx but with something unusable (LLM output that is not JSON
        /// matching the schema, or truncated). Not retried by the adapter.
        case invalidResponse
    }

    public var kind: Kind
    /// The adapter's name, as in the tenant file (`console`, or a plugin's adapter).
    public var provider: String
    /// The provider's HTTP status; `nil` when no response came (timeout, connection error).
    public var httpStatus: Int?
    /// The provider's own error code (`card_declined`, `21211`, `UNREGISTERED`).
    public var providerCode: String?
    /// Human-readable; never a secret.
    public var message: String
    /// How long the provider asked us to wait (the `Retry-After` header), for `.retryable`.
    public var retryAfter: Duration?

    public init(_ kind: Kind, provider: String, httpStatus: Int? = nil, providerCode: String? = nil,
                message: String, retryAfter: Duration? = nil) {
        self.kind = kind
        self.provider = provider
        self.httpStatus = httpStatus
        self.providerCode = providerCode
        self.message = message
        self.retryAfter = retryAfter
    }

    /// `true` for `.retryable` only.
    public var isRetryable: Bool { kind == .retryable }

    /// `<adapter>: HTTP 402 card_declined: Your card was declined. (permanent)`
    public var description: String {
        var parts = [provider]
        if let httpStatus { parts.append("HTTP \(httpStatus)") }
        if let providerCode { parts.append(providerCode) }
        var text = parts.joined(separator: ": ") + ": " + message + " (\(kind)"
        if let retryAfter { text += ", retry after \(retryAfter)" }
        return text + ")"
    }

    /// The provider-neutral reading of an HTTP status: 408, 409 (a concurrent request with the
    /// same idempotency key), 425, 429 and 5xx are retryable, 401/403 mean the credentials are
    /// wrong, any other 4xx is permanent. Adapters refine it with the provider's error code.
    public static func kind(forHTTPStatus status: Int) -> Kind {
        switch status {
        case 401, 403: .misconfigured
        case 408, 409, 425, 429, 500...599: .retryable
        default: .permanent
        }
    }

    /// No answer in time, or no connection: always retryable.
    public static func unreachable(provider: String, message: String) -> IntegrationError {
        IntegrationError(.retryable, provider: provider, message: message)
    }
}
