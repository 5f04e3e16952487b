import Foundation

/// Token lifetimes and identifiers, fixed by the composition root.
public struct TokenSettings: Sendable {
    public var issuer: String
    public var audience: String
    /// ≤ 15 minutes (PRODUCT §2).
    public var accessTokenLifetime: TimeInterval
    public var refreshTokenLifetime: TimeInterval
    /// Absolute cap of a login session, however often it is refreshed.
    public var sessionLifetime: TimeInterval
    /// Clock skew tolerated on `exp` and `nbf` (specs/jwt.md: ≤ 60 s).
    public var leeway: TimeInterval

    public init(
        issuer: String, audience: String = "careflow-api", accessTokenLifetime: TimeInterval = 900,
        refreshTokenLifetime: TimeInterval = 14 * 86400, sessionLifetime: TimeInterval = 30 * 86400,
        leeway: TimeInterval = 60
    ) {
        self.issuer = issuer
        self.audience = audience
        self.accessTokenLifetime = min(accessTokenLifetime, 900)
        self.refreshTokenLifetime = refreshTokenLifetime
        self.sessionLifetime = sessionLifetime
        self.leeway = leeway
    }
}
