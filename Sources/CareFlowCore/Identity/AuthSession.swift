import FluentKit
import Foundation

/// One login: the family of refresh tokens it rotates through, and the `sid` its access tokens
/// carry. Revoking it ends every token of the family at once.
public final class AuthSession: Model, @unchecked Sendable {
    public static let schema = "auth_sessions"

    @ID(key: .id) public var id: UUID?
    /// Nil for platform admins.
    @OptionalField(key: "tenant_id") public var tenantID: UUID?
    @Field(key: "subject_id") public var subjectID: UUID
    @Field(key: "subject_kind") public var subjectKind: SubjectKind
    /// Authentication methods of this login (`pwd`, `otp`), as the `amr` claim.
    @Field(key: "amr") public var amr: String
    /// Tokens of this session may only enrol TOTP.
    @Field(key: "enrolment_only") public var enrolmentOnly: Bool
    @OptionalField(key: "revoked_at") public var revokedAt: Date?
    @OptionalField(key: "revoked_reason") public var revokedReason: String?
    @Field(key: "expires_at") public var expiresAt: Date
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?

    public init() {}

    public init(id: UUID = UUID(), tenantID: UUID?, subjectID: UUID, subjectKind: SubjectKind, amr: [String],
                enrolmentOnly: Bool = false, expiresAt: Date) {
        self.enrolmentOnly = enrolmentOnly
        self.id = id
        self.tenantID = tenantID
        self.subjectID = subjectID
        self.subjectKind = subjectKind
        self.amr = amr.joined(separator: " ")
        self.expiresAt = expiresAt
    }

    public var amrList: [String] { amr.split(separator: " ").map(String.init) }
    public var isRevoked: Bool { revokedAt != nil }
}

public enum SubjectKind: String, Codable, Sendable {
    case user
    case platformAdmin = "platform_admin"
    /// CareFlow itself acting from the command line (imports); never holds a session.
    case system
}
