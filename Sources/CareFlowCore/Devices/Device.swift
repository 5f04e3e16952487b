import FluentKit
import Foundation

/// A phone, tablet or browser that registered for push notifications (`POST /api/v1/me/devices`).
/// The token is sealed under the tenant's key; its blind index keeps it unique within the tenant
/// and lets the worker find the device when the provider reports the token dead.
public final class Device: Model, TenantOwned, @unchecked Sendable {
    public static let schema = "devices"
    public static var tenantIDField: KeyPath<Device, FieldProperty<Device, UUID>> { \.$tenantID }

    public enum Platform: String, Codable, Sendable, CaseIterable {
        case android, ios, web
    }

    @ID(key: .id) public var id: UUID?
    @Field(key: "tenant_id") public var tenantID: UUID
    @Field(key: "user_id") public var userID: UUID
    @Enum(key: "platform") public var platform: Platform
    @Field(key: "token_sealed") public var tokenSealed: Sealed<String>
    @Field(key: "token_index") public var tokenIndex: String
    /// Set when the provider said the token can never receive again (FCM `UNREGISTERED`):
    /// no push is queued for it any more.
    @OptionalField(key: "dead_at") public var deadAt: Date?
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) public var updatedAt: Date?

    public init() {}

    public init(tenantID: UUID, userID: UUID, platform: Platform, tokenSealed: Sealed<String>, tokenIndex: String) {
        self.id = TimeOrderedID.make()
        self.tenantID = tenantID
        self.userID = userID
        self.platform = platform
        self.tokenSealed = tokenSealed
        self.tokenIndex = tokenIndex
    }
}
