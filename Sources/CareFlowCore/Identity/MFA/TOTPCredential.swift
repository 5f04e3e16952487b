import FluentKit
import Foundation

/// A user's TOTP secret (sealed under the tenant's data key; the platform's key for operators)
/// and the last time step accepted, so a code works once.
public final class TOTPCredential: Model, @unchecked Sendable {
    public static let schema = "totp_credentials"

    @ID(key: .id) public var id: UUID?
    @OptionalField(key: "tenant_id") public var tenantID: UUID?
    @Field(key: "subject_id") public var subjectID: UUID
    @Field(key: "subject_kind") public var subjectKind: SubjectKind
    /// Base32 secret.
    @Field(key: "secret_sealed") public var secretSealed: Sealed<String>
    /// Nil while enrolment awaits its first code.
    @OptionalField(key: "confirmed_at") public var confirmedAt: Date?
    @OptionalField(key: "last_step") public var lastStep: Int64?
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?

    public init() {}

    public init(tenantID: UUID?, subjectID: UUID, subjectKind: SubjectKind, secretSealed: Sealed<String>) {
        self.tenantID = tenantID
        self.subjectID = subjectID
        self.subjectKind = subjectKind
        self.secretSealed = secretSealed
    }
}
