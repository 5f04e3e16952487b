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
    /// Lower-cased; unique per tenant.
    @Field(key: "email") public var email: String
    @OptionalField(key: "display_name") public var displayName: String?
    /// Nil until the invitation is accepted.
    @OptionalField(key: "password_hash") public var passwordHash: String?
    @Field(key: "status") public var status: Status
    @OptionalField(key: "last_login_at") public var lastLoginAt: Date?
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) public var updatedAt: Date?

    public init() {}

    public init(id: UUID? = nil, tenantID: UUID, email: String, displayName: String? = nil, status: Status) {
        self.id = id
        self.tenantID = tenantID
        self.email = email
        self.displayName = displayName
        self.status = status
    }
}
