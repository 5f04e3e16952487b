import FluentKit
import Foundation

/// A payment as the provider reports it. Webhooks move it forward; invoices (a later issue)
/// link to it. Out-of-order events never move it back: the newest event (by the provider's
/// `created` time) wins.
public final class Payment: Model, TenantOwned, @unchecked Sendable {
    public static let schema = "payments"
    public static var tenantIDField: KeyPath<Payment, FieldProperty<Payment, UUID>> { \.$tenantID }

    public enum Status: String, Codable, Sendable {
        case pending, succeeded, failed, refunded
    }

    @ID(key: .id) public var id: UUID?
    @Field(key: "tenant_id") public var tenantID: UUID
    @Field(key: "provider") public var provider: String
    /// The PaymentIntent id (`pi_…`).
    @Field(key: "provider_payment_id") public var providerPaymentID: String
    @Enum(key: "status") public var status: Status
    @OptionalField(key: "amount") public var amount: Int?
    @OptionalField(key: "currency") public var currency: String?
    @Field(key: "last_event_created") public var lastEventCreated: Int
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) public var updatedAt: Date?

    public init() {}
}
