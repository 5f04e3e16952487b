import FluentKit
import Foundation

/// Failure counter and lock of one throttle key (an account or a client address). Kept in
/// the database so every replica sees the same counts.
public final class AuthThrottle: Model, @unchecked Sendable {
    public static let schema = "auth_throttles"

    @ID(key: .id) public var id: UUID?
    /// `account:<sha256>` or `ip:<address>`; never a plaintext email.
    @Field(key: "key") public var key: String
    @Field(key: "failures") public var failures: Int
    @Field(key: "window_started_at") public var windowStartedAt: Date
    @OptionalField(key: "locked_until") public var lockedUntil: Date?

    public init() {}

    public init(key: String, now: Date) {
        self.key = key
        self.failures = 0
        self.windowStartedAt = now
    }
}
