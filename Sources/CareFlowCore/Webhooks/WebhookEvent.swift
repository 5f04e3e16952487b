import FluentKit
import Foundation

/// An inbound provider event, recorded under a unique (tenant, provider, event id) before it takes
/// effect, so a retry or a replay is recognised and has no second effect. Only a digest of the
/// body is kept: inbound SMS bodies and email addresses are not stored here.
public final class WebhookEvent: Model, TenantOwned, @unchecked Sendable {
    public static let schema = "webhook_events"
    public static var tenantIDField: KeyPath<WebhookEvent, FieldProperty<WebhookEvent, UUID>> { \.$tenantID }

    @ID(key: .id) public var id: UUID?
    @Field(key: "tenant_id") public var tenantID: UUID
    @Field(key: "provider") public var provider: String
    @Field(key: "event_id") public var eventID: String
    @Field(key: "event_type") public var eventType: String
    @Field(key: "payload_sha256") public var payloadSHA256: String
    @Timestamp(key: "received_at", on: .create) public var receivedAt: Date?

    public init() {}
}
