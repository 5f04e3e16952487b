/// What a successful login or refresh returns (OAuth 2.0 token response shape).
public struct TokenPair: Sendable, Equatable {
    public let accessToken: String
    public let refreshToken: String
    public let expiresIn: Int
}
