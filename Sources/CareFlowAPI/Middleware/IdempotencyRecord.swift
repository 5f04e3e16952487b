import CareFlowCore
import Fluent
import Foundation

/// The stored outcome of a POST sent with an `Idempotency-Key`, per caller. A record without a
/// response status is a request still in progress. The answer can carry PHI (a registered
/// patient), so it is sealed under the caller's tenant data key (the platform's for platform
/// callers), and records are purged once older than the configured lifetime.
final class IdempotencyRecord: Model, @unchecked Sendable {
    static let schema = "idempotency_records"

    @ID(key: .id) var id: UUID?
    /// Tenant id, or `platform`.
    @Field(key: "scope") var scope: String
    /// Owner of the key that seals the answer (nil: the platform); key rotation selects by it.
    @OptionalField(key: "tenant_id") var tenantID: UUID?
    @Field(key: "subject_id") var subjectID: UUID
    @Field(key: "key") var key: String
    /// SHA-256 of method, path and body: the same key with another request is refused.
    @Field(key: "request_hash") var requestHash: String
    @OptionalField(key: "response_status") var responseStatus: Int?
    @OptionalField(key: "response_type") var responseType: String?
    @OptionalField(key: "response_sealed") var responseSealed: Sealed<Data>?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    init(tenantID: UUID?, subjectID: UUID, key: String, requestHash: String) {
        self.scope = tenantID?.lowercasedString ?? "platform"
        self.tenantID = tenantID
        self.subjectID = subjectID
        self.key = key
        self.requestHash = requestHash
    }

    /// Deletes every record created before `cutoff`: a retry after that is a new request.
    static func purge(createdBefore cutoff: Date, on db: any Database) async throws {
        try await IdempotencyRecord.query(on: db).filter(\.$createdAt < cutoff).delete()
    }
}
