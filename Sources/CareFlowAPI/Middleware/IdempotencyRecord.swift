import Fluent
import Foundation

/// The stored outcome of a POST sent with an `Idempotency-Key`, per caller. A record without a
/// response status is a request still in progress.
final class IdempotencyRecord: Model, @unchecked Sendable {
    static let schema = "idempotency_records"

    @ID(key: .id) var id: UUID?
    /// Tenant id, or `platform`.
    @Field(key: "scope") var scope: String
    @Field(key: "subject_id") var subjectID: UUID
    @Field(key: "key") var key: String
    /// SHA-256 of method, path and body: the same key with another request is refused.
    @Field(key: "request_hash") var requestHash: String
    @OptionalField(key: "response_status") var responseStatus: Int?
    @OptionalField(key: "response_type") var responseType: String?
    @OptionalField(key: "response_body") var responseBody: Data?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    init(scope: String, subjectID: UUID, key: String, requestHash: String) {
        self.scope = scope
        self.subjectID = subjectID
        self.key = key
        self.requestHash = requestHash
    }
}
