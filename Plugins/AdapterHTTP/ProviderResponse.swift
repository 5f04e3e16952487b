import CareFlowCore
import Foundation
import NIOHTTP1

/// A provider's complete answer.
public struct ProviderResponse: Sendable {
    public var status: Int
    public var headers: HTTPHeaders
    public var body: Data

    public init(status: Int, headers: HTTPHeaders, body: Data) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public var isSuccess: Bool { (200..<300).contains(status) }

    /// `Retry-After` (seconds or HTTP date), else `retry-after-ms`.
    public var retryAfter: Duration? {
        RetryAfter.parse(headers.first(name: "Retry-After")) ?? RetryAfter.parseMilliseconds(headers.first(name: "retry-after-ms"))
    }

    /// Decodes a 2xx answer; an unreadable one is `.invalidResponse`.
    public func decode<T: Decodable>(_ type: T.Type, provider: String) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: body)
        } catch {
            throw IntegrationError(.invalidResponse, provider: provider, httpStatus: status,
                                   message: "unreadable \(T.self) in the answer")
        }
    }

    /// Decodes an error body when it has the provider's shape, `nil` otherwise (an HTML error
    /// page from a proxy, an empty body).
    public func decodeError<T: Decodable>(_ type: T.Type) -> T? {
        try? JSONDecoder().decode(T.self, from: body)
    }

    /// The error for a non-2xx answer: the kind from the status unless the adapter knows
    /// better, with `Retry-After` when retryable. Adapters pass the provider's own code and
    /// message; a message is dropped in favour of a fixed text for credential failures, where
    /// providers sometimes echo part of the key.
    public func error(provider: String, kind: IntegrationError.Kind? = nil, code: String? = nil,
                      message: String?) -> IntegrationError {
        let kind = kind ?? IntegrationError.kind(forHTTPStatus: status)
        let text: String = switch kind {
        case .misconfigured: "the provider refused the credentials (HTTP \(status))"
        default: message.flatMap { $0.isEmpty ? nil : String($0.prefix(500)) } ?? "HTTP \(status)"
        }
        return IntegrationError(kind, provider: provider, httpStatus: status, providerCode: code, message: text,
                                retryAfter: kind == .retryable ? retryAfter : nil)
    }
}
