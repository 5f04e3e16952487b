import FluentKit
import Foundation

/// A stretch of time one person works at a facility in one of their roles there. One person's
/// shifts never overlap, at any facility (on PostgreSQL an exclusion constraint says so).
public final class Shift: Model, TenantOwned, @unchecked Sendable {
    public static let schema = "shifts"
    public static var tenantIDField: KeyPath<Shift, FieldProperty<Shift, UUID>> { \.$tenantID }

    @ID(key: .id) public var id: UUID?
    @Field(key: "tenant_id") public var tenantID: UUID
    @Field(key: "user_id") public var userID: UUID
    @Field(key: "facility_id") public var facilityID: UUID
    @Field(key: "starts_at") public var startsAt: Date
    @Field(key: "ends_at") public var endsAt: Date
    @Field(key: "role") public var role: Role
    @OptionalField(key: "created_by") public var createdBy: UUID?
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?

    public init() {}

    public init(tenantID: UUID, userID: UUID, facilityID: UUID, startsAt: Date, endsAt: Date, role: Role, createdBy: UUID?) {
        self.tenantID = tenantID
        self.userID = userID
        self.facilityID = facilityID
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.role = role
        self.createdBy = createdBy
    }

    /// Longest shift accepted (a 24-hour on-call duty).
    public static let maximumLength: TimeInterval = 24 * 3600
}
