import CareFlowCore
import Fluent
import Foundation
import SQLKit

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
    /// Set by the request's effect in its own transaction (`CommittedEffect`): from then on the
    /// claim is never given up, whatever happens to the answer.
    @Field(key: "effect_committed") var effectCommitted: Bool
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    init(tenantID: UUID?, subjectID: UUID, key: String, requestHash: String) {
        self.scope = tenantID?.lowercasedString ?? "platform"
        self.tenantID = tenantID
        self.subjectID = subjectID
        self.key = key
        self.requestHash = requestHash
        self.effectCommitted = false
    }

    /// How long a request may still be running after its record was made. Longer than any request
    /// can last (clients and the proxy give up after 60 s), so a pending record older than this
    /// belongs to an attempt that died.
    static let pendingLease: TimeInterval = 120

    /// Removes the caller's record for `key` if it is still pending past `pendingLease` and was
    /// made for the same request; true when it did. A finished answer, or another request's
    /// record, is never removed here: they replay or are refused.
    static func releaseAbandoned(scope: String, subjectID: UUID, key: String, requestHash: String,
                                 now: Date = Date(), on db: any Database) async throws -> Bool {
        let abandoned = try await IdempotencyRecord.query(on: db)
            .filter(\.$scope == scope).filter(\.$subjectID == subjectID).filter(\.$key == key)
            .filter(\.$requestHash == requestHash).filter(\.$responseStatus == nil).filter(\.$effectCommitted == false)
            .filter(\.$createdAt < now - pendingLease).first()
        guard let abandoned, let id = abandoned.id else { return false }
        try await IdempotencyRecord.query(on: db).filter(\.$id == id).filter(\.$responseStatus == nil)
            .filter(\.$effectCommitted == false).delete()
        return true
    }

    /// The claim `id` as its effect's: marked inside the effect's transaction. A claim already
    /// given up (no pending row) refuses the effect: it rolls back instead of committing unclaimed.
    static func effect(of id: UUID) -> CommittedEffect {
        CommittedEffect { db in
            guard let sql = db as? any SQLDatabase else { throw AppError.unavailable("SQL database required") }
            let marked = try await sql.update(schema).set("effect_committed", to: true)
                .where("id", .equal, id).where("response_status", .is, SQLLiteral.null)
                .returning("id").all()
            guard !marked.isEmpty else {
                throw AppError.conflict("The request with this Idempotency-Key was given up as abandoned; send it again")
            }
        }
    }

    /// After an attempt failed: the claim is released so a retry runs again, unless the effect
    /// committed (then it stays, and a retry hears that it took effect). One statement, so an
    /// effect transaction still in flight is waited for (PostgreSQL's row lock, SQLite's write lock).
    static func releaseUnlessEffective(_ id: UUID, on db: any Database) async throws {
        try await IdempotencyRecord.query(on: db).filter(\.$id == id).filter(\.$effectCommitted == false).delete()
    }

    /// Deletes the tenant's kept answers that name `patientID` (after an erasure). Records live
    /// for `CAREFLOW_IDEMPOTENCY_TTL` only, so this reads a day's keyed POSTs at most.
    static func forgetAnswers(mentioning patientID: UUID, tenantID: UUID, cipher: FieldCipher, on db: any Database) async throws {
        let names = [patientID.uuidString, patientID.lowercasedString].map { Data($0.utf8) }
        for record in try await IdempotencyRecord.query(on: db).filter(\.$tenantID == tenantID).all() {
            guard let sealed = record.responseSealed, let answer = try? cipher.open(sealed) as Data,
                  names.contains(where: { answer.range(of: $0) != nil }) else { continue }
            try await record.delete(on: db)
        }
    }

    /// Deletes every record created before `cutoff`: a retry after that is a new request.
    static func purge(createdBefore cutoff: Date, on db: any Database) async throws {
        try await IdempotencyRecord.query(on: db).filter(\.$createdAt < cutoff).delete()
    }
}
