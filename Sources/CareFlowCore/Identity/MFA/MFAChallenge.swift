import FluentKit
import Foundation

/// The second step of a login: issued after a correct password to a user with TOTP, good for
/// five minutes, five attempts and one success. Only its SHA-256 is stored.
public final class MFAChallenge: Model, @unchecked Sendable {
    public static let schema = "mfa_challenges"
    public static let lifetime: TimeInterval = 300
    public static let maxAttempts = 5

    @ID(key: .id) public var id: UUID?
    @OptionalField(key: "tenant_id") public var tenantID: UUID?
    @Field(key: "subject_id") public var subjectID: UUID
    @Field(key: "subject_kind") public var subjectKind: SubjectKind
    @Field(key: "token_hash") public var tokenHash: String
    @Field(key: "attempts") public var attempts: Int
    @Field(key: "expires_at") public var expiresAt: Date
    @OptionalField(key: "used_at") public var usedAt: Date?
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?

    public init() {}

    public init(tenantID: UUID?, subjectID: UUID, subjectKind: SubjectKind, tokenHash: String, expiresAt: Date) {
        self.tenantID = tenantID
        self.subjectID = subjectID
        self.subjectKind = subjectKind
        self.tokenHash = tokenHash
        self.attempts = 0
        self.expiresAt = expiresAt
    }
}
