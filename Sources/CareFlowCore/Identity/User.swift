import FluentKit
import Foundation

/// A person who signs in to one tenant: staff or patient. Platform operators are
/// `PlatformAdmin`s, kept in their own table outside every tenant.
public final class User: Model, TenantOwned, @unchecked Sendable {
    public static let schema = "users"
    public static var tenantIDField: KeyPath<User, FieldProperty<User, UUID>> { \.$tenantID }

    public enum Status: String, Codable, Sendable { case invited, active, deactivated }

    @ID(key: .id) public var id: UUID?
    @Field(key: "tenant_id") public var tenantID: UUID
    /// Encrypted under the tenant's data key; found through `emailIndex`.
    @Field(key: "email_sealed") public var emailSealed: Sealed<String>
    /// Blind index of the normalised email; unique per tenant.
    @Field(key: "email_index") public var emailIndex: String
    @OptionalField(key: "display_name_sealed") public var displayNameSealed: Sealed<String>?
    /// Nil until the invitation is accepted.
    @OptionalField(key: "password_hash") public var passwordHash: String?
    /// E.164, sealed like every contact detail. Set by the account holder (`PATCH /api/v1/me`).
    @OptionalField(key: "phone_sealed") public var phoneSealed: Sealed<String>?
    /// BCP 47 tag such as `en` or `fr-RW`; not PHI.
    @OptionalField(key: "locale") public var locale: String?
    /// Comma-separated `NotificationChannel`s the person accepts; nil = not chosen yet.
    @OptionalField(key: "notification_channels") public var notificationChannels: String?
    @Field(key: "status") public var status: Status
    @OptionalField(key: "last_login_at") public var lastLoginAt: Date?
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) public var updatedAt: Date?

    public init() {}

    /// Use `UserDirectory.create`, which seals and indexes the identifying fields.
    init(tenantID: UUID, emailSealed: Sealed<String>, emailIndex: String, displayNameSealed: Sealed<String>?, status: Status) {
        self.tenantID = tenantID
        self.emailSealed = emailSealed
        self.emailIndex = emailIndex
        self.displayNameSealed = displayNameSealed
        self.status = status
    }
}
