import FluentKit
import Foundation

/// Time a doctor is away from their weekly schedule: leave, a holiday, anything else. Without a
/// facility it applies at every facility.
public final class AvailabilityException: Model, TenantOwned, @unchecked Sendable {
    public static let schema = "availability_exceptions"
    public static var tenantIDField: KeyPath<AvailabilityException, FieldProperty<AvailabilityException, UUID>> { \.$tenantID }

    public enum Reason: String, Codable, Sendable, CaseIterable {
        case leave, holiday, other
    }

    @ID(key: .id) public var id: UUID?
    @Field(key: "tenant_id") public var tenantID: UUID
    @Field(key: "doctor_id") public var doctorID: UUID
    @OptionalField(key: "facility_id") public var facilityID: UUID?
    @Field(key: "starts_at") public var startsAt: Date
    @Field(key: "ends_at") public var endsAt: Date
    @Field(key: "reason") public var reason: Reason
    @OptionalField(key: "created_by") public var createdBy: UUID?
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?

    public init() {}

    public init(tenantID: UUID, doctorID: UUID, facilityID: UUID?, startsAt: Date, endsAt: Date, reason: Reason, createdBy: UUID?) {
        self.tenantID = tenantID
        self.doctorID = doctorID
        self.facilityID = facilityID
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.reason = reason
        self.createdBy = createdBy
    }

    public var interval: DateInterval { DateInterval(start: startsAt, end: endsAt) }
}
