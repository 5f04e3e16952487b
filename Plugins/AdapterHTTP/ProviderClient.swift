import AsyncHTTPClient
import CareFlowCore
import Foundation
import NIOCore
import NIOHTTP1

/// The HTTP side every provider adapter shares: one base URL, one `HTTPClient`, one deadline
/// per exchange, and transport failures (timeouts, refused or dropped connections) turned into
/// retryable `IntegrationError`s. What a provider's answer *means* stays in its adapter.
/// Nothing here logs; error messages never carry a request's headers or body.
public struct ProviderClient: Sendable {
    public let provider: String
    public let baseURL: String
    let http: HTTPClient
    let timeouts: IntegrationTimeouts
    /// Largest answer read; provider answers are small JSON documents.
    static let maxResponseBytes = 4 << 20

    public init(provider: String, baseURL: String, http: HTTPClient, timeouts: IntegrationTimeouts) {
        self.provider = provider
        self.baseURL = baseURL
        self.http = http
        self.timeouts = timeouts
    }

    /// What the application's shared `HTTPClient` should be built with: the connect timeout is
    /// a client setting in async-http-client, the request deadline is per call.
    public static func configuration(timeouts: IntegrationTimeouts = .standard) -> HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: TimeAmount(timeouts.connect), read: TimeAmount(timeouts.request))
        configuration.redirectConfiguration = .disallow
        return configuration
    }

    /// Sends one request to `baseURL + path` (or to `url` when absolute) and reads the whole
    /// answer before `timeouts.request` elapses.
    /// - Throws: `IntegrationError` (`.retryable`) when no complete answer came; never for an
    ///   HTTP error status, which the adapter interprets. `CancellationError` passes through.
    public func send(_ method: HTTPMethod, _ path: String, headers: [(String, String)] = [],
                     body: ProviderRequestBody? = nil) async throws -> ProviderResponse {
        var request = HTTPClientRequest(url: path.hasPrefix("http://") || path.hasPrefix("https://") ? path : baseURL + path)
        request.method = method
        request.headers.add(name: "User-Agent", value: "CareFlow")
        request.headers.add(name: "Accept", value: "application/json")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body {
            request.headers.replaceOrAdd(name: "Content-Type", value: body.contentType)
            request.body = .bytes(ByteBuffer(bytes: body.bytes))
        }
        let deadline = NIODeadline.now() + TimeAmount(timeouts.request)
        do {
            let response = try await http.execute(request, deadline: deadline)
            let bytes = try await response.body.collect(upTo: Self.maxResponseBytes)
            return ProviderResponse(status: Int(response.status.code), headers: response.headers, body: Data(bytes.readableBytesView))
        } catch let error as CancellationError {
            throw error
        } catch let error as HTTPClientError {
            throw IntegrationError.unreachable(provider: provider, message: Self.describe(error))
        } catch {
            throw IntegrationError.unreachable(provider: provider, message: "connection failed (\(type(of: error)))")
        }
    }

    private static func describe(_ error: HTTPClientError) -> String {
        switch error {
        case .deadlineExceeded, .readTimeout, .writeTimeout: "no answer before the request timeout"
        case .connectTimeout, .getConnectionFromPoolTimeout: "could not connect before the connect timeout"
        case .cancelled: "request cancelled"
        case .remoteConnectionClosed: "the provider closed the connection"
        case .bodyLengthMismatch: "unusable answer body"
        default: "HTTP client error (\(error.shortDescription))"
        }
    }

    /// `Authorization: Bearer …` for a resolved secret.
    public static func bearer(_ secret: ResolvedSecret) -> (String, String) {
        ("Authorization", "Bearer \(secret.reveal())")
    }

    /// `Authorization: Basic base64(user:password)`.
    public static func basic(user: String, password: ResolvedSecret) -> (String, String) {
        ("Authorization", "Basic \(Data("\(user):\(password.reveal())".utf8).base64EncodedString())")
    }

    /// A path segment with everything but unreserved characters percent-encoded, so an id
    /// can never reach another route.
    public static func pathSegment(_ text: String) -> String {
        FormURLEncoder.escape(text).replacingOccurrences(of: "+", with: "%20")
    }
}

extension TimeAmount {
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}

extension HTTPClientError {
    /// The case name only (`connectTimeout`): the full description can carry a URL.
    var shortDescription: String {
        String(String(describing: self).split(separator: "(").first ?? "unknown")
    }
}
