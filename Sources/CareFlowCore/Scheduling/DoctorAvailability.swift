import FluentKit
import Foundation

/// One row of a doctor's weekly schedule at a facility (see `AvailabilityWindow`).
public final class DoctorAvailability: Model, TenantOwned, @unchecked Sendable {
    public static let schema = "doctor_availability"
    public static var tenantIDField: KeyPath<DoctorAvailability, FieldProperty<DoctorAvailability, UUID>> { \.$tenantID }

    @ID(key: .id) public var id: UUID?
    @Field(key: "tenant_id") public var tenantID: UUID
    @Field(key: "doctor_id") public var doctorID: UUID
    @Field(key: "facility_id") public var facilityID: UUID
    @Field(key: "weekday") public var weekday: Int
    @Field(key: "start_minute") public var startMinute: Int
    @Field(key: "end_minute") public var endMinute: Int
    @Field(key: "slot_minutes") public var slotMinutes: Int

    public init() {}

    public init(tenantID: UUID, doctorID: UUID, facilityID: UUID, window: AvailabilityWindow) {
        self.tenantID = tenantID
        self.doctorID = doctorID
        self.facilityID = facilityID
        self.weekday = window.weekday
        self.startMinute = window.startMinute
        self.endMinute = window.endMinute
        self.slotMinutes = window.slotMinutes
    }

    public var window: AvailabilityWindow {
        AvailabilityWindow(weekday: weekday, startMinute: startMinute, endMinute: endMinute, slotMinutes: slotMinutes)
    }
}
