import FluentKit
import Foundation

/// A booked consultation of a patient with a doctor at a facility. The database refuses two
/// live appointments (booked or confirmed) of one doctor starting at the same instant.
public final class Appointment: Model, TenantOwned, @unchecked Sendable {
    public static let schema = "appointments"
    public static var tenantIDField: KeyPath<Appointment, FieldProperty<Appointment, UUID>> { \.$tenantID }

    public enum Status: String, Codable, Sendable, CaseIterable {
        case booked, confirmed, completed, cancelled
        case noShow = "no_show"

        /// Statuses that occupy the doctor's slot.
        public static let live: [Status] = [.booked, .confirmed]
    }

    @ID(key: .id) public var id: UUID?
    @Field(key: "tenant_id") public var tenantID: UUID
    @Field(key: "facility_id") public var facilityID: UUID
    @Field(key: "doctor_id") public var doctorID: UUID
    @Field(key: "patient_id") public var patientID: UUID
    @Field(key: "starts_at") public var startsAt: Date
    @Field(key: "ends_at") public var endsAt: Date
    @Field(key: "status") public var status: Status
    @OptionalField(key: "reason_sealed") public var reasonSealed: Sealed<String>?
    @OptionalField(key: "booked_by") public var bookedBy: UUID?
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) public var updatedAt: Date?

    public init() {}

    public init(tenantID: UUID, facilityID: UUID, doctorID: UUID, patientID: UUID, startsAt: Date, endsAt: Date,
                status: Status = .booked, reasonSealed: Sealed<String>? = nil, bookedBy: UUID?) {
        self.tenantID = tenantID
        self.facilityID = facilityID
        self.doctorID = doctorID
        self.patientID = patientID
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.status = status
        self.reasonSealed = reasonSealed
        self.bookedBy = bookedBy
    }
}
