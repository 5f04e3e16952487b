import FluentKit
import Foundation

/// A ward of a facility with its number of beds, numbered 1…`beds` (issue 14).
public final class Ward: Model, TenantOwned, @unchecked Sendable {
    public static let schema = "wards"
    public static var tenantIDField: KeyPath<Ward, FieldProperty<Ward, UUID>> { \.$tenantID }

    @ID(key: .id) public var id: UUID?
    @Field(key: "tenant_id") public var tenantID: UUID
    @Field(key: "facility_id") public var facilityID: UUID
    @Field(key: "name") public var name: String
    @Field(key: "beds") public var beds: Int
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) public var updatedAt: Date?

    public init() {}
}
