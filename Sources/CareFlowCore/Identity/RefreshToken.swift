import FluentKit
import Foundation

/// One opaque refresh token, stored only as its SHA-256. Each refresh marks it used and issues
/// the next one of the same session; a used token coming back means it was stolen.
public final class RefreshToken: Model, @unchecked Sendable {
    public static let schema = "refresh_tokens"

    @ID(key: .id) public var id: UUID?
    @Field(key: "session_id") public var sessionID: UUID
    @Field(key: "token_hash") public var tokenHash: String
    @OptionalField(key: "used_at") public var usedAt: Date?
    @Field(key: "expires_at") public var expiresAt: Date
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?

    public init() {}

    public init(sessionID: UUID, tokenHash: String, expiresAt: Date) {
        self.sessionID = sessionID
        self.tokenHash = tokenHash
        self.expiresAt = expiresAt
    }
}
