import FluentKit
import Foundation

/// A hospital or clinic inside a tenant. Staff hold their roles per facility.
public final class Facility: Model, TenantOwned, @unchecked Sendable {
    public static let schema = "facilities"
    public static var tenantIDField: KeyPath<Facility, FieldProperty<Facility, UUID>> { \.$tenantID }

    @ID(key: .id) public var id: UUID?
    @Field(key: "tenant_id") public var tenantID: UUID
    @Field(key: "code") public var code: String
    @Field(key: "name") public var name: String
    @Field(key: "timezone") public var timezone: String
    /// Postal address, as typed at onboarding; optional.
    @OptionalField(key: "address") public var address: String?
    @Field(key: "active") public var active: Bool
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) public var updatedAt: Date?

    public init() {}

    public init(id: UUID? = nil, tenantID: UUID, code: String, name: String, timezone: String, address: String? = nil) {
        self.id = id
        self.address = address
        self.tenantID = tenantID
        self.code = code
        self.name = name
        self.timezone = timezone
        self.active = true
    }
}
