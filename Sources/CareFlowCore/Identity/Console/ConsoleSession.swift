import FluentKit
import Foundation

/// A browser signed in to the admin console: the digest of the opaque token its cookie holds,
/// the login session (`auth_sessions`) it rides on, and the form token its pages carry.
/// Revoking the login session ends the console session with it, on every replica.
public final class ConsoleSession: Model, @unchecked Sendable {
    public static let schema = "console_sessions"

    @ID(key: .id) public var id: UUID?
    @Field(key: "tenant_id") public var tenantID: UUID
    /// SHA-256 of the cookie's token: a copy of the table does not hand out sessions.
    @Field(key: "token_hash") public var tokenHash: String
    @Field(key: "auth_session_id") public var authSessionID: UUID
    /// The CSRF token every form of this session must carry. Not secret from the browser that
    /// holds the session; unknowable to another site.
    @Field(key: "csrf_token") public var csrfToken: String
    /// Authentication methods of the login (`pwd`, `otp`).
    @Field(key: "amr") public var amr: String
    /// Sliding idle limit, moved forward as the console is used.
    @Field(key: "idle_expires_at") public var idleExpiresAt: Date
    /// Absolute limit, whatever the activity.
    @Field(key: "expires_at") public var expiresAt: Date
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?

    public init() {}

    init(tenantID: UUID, tokenHash: String, authSessionID: UUID, csrfToken: String, amr: [String], idleExpiresAt: Date, expiresAt: Date) {
        self.tenantID = tenantID
        self.tokenHash = tokenHash
        self.authSessionID = authSessionID
        self.csrfToken = csrfToken
        self.amr = amr.joined(separator: " ")
        self.idleExpiresAt = idleExpiresAt
        self.expiresAt = expiresAt
    }
}
