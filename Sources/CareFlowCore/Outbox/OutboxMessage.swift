import FluentKit
import Foundation

/// One outgoing message (email, SMS, push, payment request, LLM call), written in the same
/// transaction as the change that causes it and delivered by the worker (PRODUCT §6). The
/// message itself (recipient, body) is sealed under the tenant's key; the row id is the
/// idempotency key sent to providers that de-duplicate.
public final class OutboxMessage: Model, TenantOwned, @unchecked Sendable {
    public static let schema = "outbox_messages"
    public static var tenantIDField: KeyPath<OutboxMessage, FieldProperty<OutboxMessage, UUID>> { \.$tenantID }

    public enum Status: String, Codable, Sendable, CaseIterable {
        /// Waiting for its next attempt.
        case pending
        /// Claimed by a worker until `lease_until`; a worker that dies leaves it to expire.
        case sending
        /// The provider accepted it.
        case sent
        /// Gave up after the maximum number of attempts, or a permanent error: an admin may re-queue it.
        case dead
    }

    @ID(key: .id) public var id: UUID?
    @Field(key: "tenant_id") public var tenantID: UUID
    @Field(key: "capability") public var capability: String
    @Field(key: "payload_sealed") public var payloadSealed: Sealed<OutboxPayload>
    @Enum(key: "status") public var status: Status
    @Field(key: "attempts") public var attempts: Int
    @Field(key: "next_attempt_at") public var nextAttemptAt: Date
    @OptionalField(key: "lease_until") public var leaseUntil: Date?
    @OptionalField(key: "provider_message_id") public var providerMessageID: String?
    /// What the provider later reported (delivery webhooks): delivered, bounce, …
    @OptionalField(key: "delivery_status") public var deliveryStatus: String?
    @OptionalField(key: "last_error") public var lastError: String?
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) public var updatedAt: Date?

    public init() {}
}
