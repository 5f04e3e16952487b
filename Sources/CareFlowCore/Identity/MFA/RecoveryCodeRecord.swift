import FluentKit
import Foundation

/// One single-use recovery code, stored only as a slow salted hash.
public final class RecoveryCodeRecord: Model, @unchecked Sendable {
    public static let schema = "recovery_codes"

    @ID(key: .id) public var id: UUID?
    @OptionalField(key: "tenant_id") public var tenantID: UUID?
    @Field(key: "subject_id") public var subjectID: UUID
    @Field(key: "code_hash") public var codeHash: String
    @OptionalField(key: "used_at") public var usedAt: Date?
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?

    public init() {}

    public init(tenantID: UUID?, subjectID: UUID, codeHash: String) {
        self.tenantID = tenantID
        self.subjectID = subjectID
        self.codeHash = codeHash
    }
}
