import FluentKit
import Foundation

/// An operator of the SaaS. Outside every tenant by construction: no `tenant_id` column, so no
/// tenant-scoped query can ever return one, and no platform query reads PHI.
public final class PlatformAdmin: Model, @unchecked Sendable {
    public static let schema = "platform_admins"

    @ID(key: .id) public var id: UUID?
    @Field(key: "email") public var email: String
    @Field(key: "password_hash") public var passwordHash: String
    @Field(key: "active") public var active: Bool
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?

    public init() {}

    public init(id: UUID? = nil, email: String, passwordHash: String) {
        self.id = id
        self.email = email
        self.passwordHash = passwordHash
        self.active = true
    }
}
