/// How long an adapter waits for a provider. `connect` bounds opening the connection;
/// `request` bounds the whole exchange (sending the request and reading the full answer), so
/// a provider that accepts the connection and never answers cannot hold an outbox worker.
public struct IntegrationTimeouts: Sendable, Equatable {
    public var connect: Duration
    public var request: Duration

    public init(connect: Duration, request: Duration) {
        self.connect = connect
        self.request = request
    }

    /// Messaging and payments.
    public static let standard = IntegrationTimeouts(connect: .seconds(5), request: .seconds(30))
    /// Completions take longer to generate.
    public static let llm = IntegrationTimeouts(connect: .seconds(5), request: .seconds(120))
}
