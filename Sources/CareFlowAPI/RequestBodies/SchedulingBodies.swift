import CareFlowCore
import Foundation

/// `POST /api/v1/appointments`.
struct BookingBody: RequestBody {
    let request: BookingRequest

    init?(fields: inout FieldReader) {
        let patientID = fields.uuid("patient_id")
        let doctorID = fields.uuid("doctor_id")
        let facilityID = fields.uuid("facility_id")
        let startsAt = fields.timestamp("starts_at")
        let reason = fields.string("reason", required: false, maxLength: 1000)
        guard let patientID, let doctorID, let facilityID, let startsAt else { return nil }
        request = BookingRequest(patientID: patientID, doctorID: doctorID, facilityID: facilityID, startsAt: startsAt, reason: reason)
    }
}

/// `PUT /api/v1/doctors/{doctorID}/availability`:
/// `{"facility_id", "windows": [{"weekday": 1, "start": "09:00", "end": "12:00", "slot_minutes": 20}]}`;
/// an empty list clears the doctor's schedule at that facility.
struct WeeklyScheduleBody: RequestBody {
    let facilityID: UUID
    let windows: [AvailabilityWindow]

    init?(fields: inout FieldReader) {
        let facilityID = fields.uuid("facility_id")
        let windows = fields.objectArray("windows", maxCount: 100) { item -> AvailabilityWindow? in
            let weekday = item.integer("weekday", range: 1...7)
            let start = item.clockMinute("start")
            let end = item.clockMinute("end")
            let slot = item.integer("slot_minutes", range: AvailabilityWindow.slotMinutesRange)
            guard let weekday, let start, let end, let slot else { return nil }
            return AvailabilityWindow(weekday: weekday, startMinute: start, endMinute: end, slotMinutes: slot)
        }
        if fields.lacks("windows") { fields.fail("windows", "is required") }
        guard let facilityID, fields.errors.isEmpty else { return nil }
        self.facilityID = facilityID
        self.windows = windows ?? []
    }
}

/// `POST /api/v1/doctors/{doctorID}/exceptions`: leave or a holiday, at one facility or all.
struct AvailabilityExceptionBody: RequestBody {
    let facilityID: UUID?
    let startsAt: Date
    let endsAt: Date
    let reason: AvailabilityException.Reason

    init?(fields: inout FieldReader) {
        let facilityID = fields.uuid("facility_id", required: false)
        let startsAt = fields.timestamp("starts_at")
        let endsAt = fields.timestamp("ends_at")
        let reason = fields.enumeration("reason", AvailabilityException.Reason.self)
        guard let startsAt, let endsAt, let reason else { return nil }
        (self.facilityID, self.startsAt, self.endsAt, self.reason) = (facilityID, startsAt, endsAt, reason)
    }
}

/// `POST /api/v1/facilities/{facilityID}/shifts`.
struct ShiftBody: RequestBody {
    let userID: UUID
    let role: Role
    let startsAt: Date
    let endsAt: Date

    init?(fields: inout FieldReader) {
        let userID = fields.uuid("user_id")
        var role = fields.enumeration("role", Role.self)
        fields.refine("role", ["enum": .array(ShiftService.shiftRoles.map { .string($0.rawValue) })])
        if let given = role, !ShiftService.shiftRoles.contains(given) {
            fields.fail("role", "must be one of: " + ShiftService.shiftRoles.map(\.rawValue).joined(separator: ", "))
            role = nil
        }
        let startsAt = fields.timestamp("starts_at")
        let endsAt = fields.timestamp("ends_at")
        guard let userID, let role, let startsAt, let endsAt else { return nil }
        (self.userID, self.role, self.startsAt, self.endsAt) = (userID, role, startsAt, endsAt)
    }
}

/// `PUT /api/v1/facilities/{facilityID}/staff/{userID}/profile`: every member, absent = none.
struct StaffProfileBody: RequestBody {
    let input: StaffProfileInput

    init?(fields: inout FieldReader) {
        let input = StaffProfileInput(
            specialization: fields.string("specialization", required: false, maxLength: 100),
            licenceNumber: fields.string("licence_number", required: false, maxLength: 64),
            yearsOfExperience: fields.integer("years_of_experience", required: false, range: 0...80),
            consultationFee: fields.integer("consultation_fee", required: false, range: 0...1_000_000_000),
            bio: fields.string("bio", required: false, maxLength: 4000))
        guard fields.errors.isEmpty else { return nil }
        self.input = input
    }
}

/// `?date=&facility_id=` of a doctor's available slots.
struct SlotQuery: RequestQuery {
    static let parameterNames = ["date", "facility_id"]
    let day: CalendarDay
    let facilityID: UUID?

    init?(fields: inout FieldReader) {
        let day = fields.calendarDay("date")
        let facilityID = fields.uuid("facility_id", required: false)
        guard let day else { return nil }
        (self.day, self.facilityID) = (day, facilityID)
    }
}

/// `?date=` of a facility's shift coverage.
struct CoverageQuery: RequestQuery {
    static let parameterNames = ["date"]
    let day: CalendarDay

    init?(fields: inout FieldReader) {
        guard let day = fields.calendarDay("date") else { return nil }
        self.day = day
    }
}

/// `?view=&doctor_id=&patient_id=&facility_id=&status=&from=&to=` of the appointment list
/// (`from`/`to` RFC 3339, bounding `starts_at`); `appointments.csv` reads the same, less `view`.
struct AppointmentListQuery: RequestQuery {
    static let parameterNames = ["view", "doctor_id", "patient_id", "facility_id", "status", "from", "to"]
    let filters: AppointmentFilters

    init?(fields: inout FieldReader) {
        filters = Self.filters(&fields, view: fields.enumeration("view", AppointmentListView.self, required: false))
    }

    static func filters(_ fields: inout FieldReader, view: AppointmentListView?) -> AppointmentFilters {
        AppointmentFilters(view: view, doctorID: fields.uuid("doctor_id", required: false),
                           patientID: fields.uuid("patient_id", required: false),
                           facilityID: fields.uuid("facility_id", required: false),
                           status: fields.enumeration("status", Appointment.Status.self, required: false),
                           from: fields.timestamp("from", required: false), to: fields.timestamp("to", required: false))
    }
}

/// `?facility_id=&specialization=&available_on=` of the doctor directory.
struct DoctorListQuery: RequestQuery {
    static let parameterNames = ["facility_id", "specialization", "available_on"]
    let filters: DoctorFilters

    init?(fields: inout FieldReader) {
        filters = DoctorFilters(facilityID: fields.uuid("facility_id", required: false),
                                specialization: fields.string("specialization", required: false, maxLength: 100),
                                availableOn: fields.calendarDay("available_on", required: false))
    }
}

/// `?facility_id=`: one facility's part of a doctor's weekly schedule.
struct FacilityFilterQuery: RequestQuery {
    static let parameterNames = ["facility_id"]
    let facilityID: UUID?

    init?(fields: inout FieldReader) {
        facilityID = fields.uuid("facility_id", required: false)
    }
}

/// `?from=` (RFC 3339): leaves out a doctor's exceptions that ended before it.
struct ExceptionListQuery: RequestQuery {
    static let parameterNames = ["from"]
    let from: Date?

    init?(fields: inout FieldReader) {
        from = fields.timestamp("from", required: false)
    }
}

/// `?from=&to=` (RFC 3339) keep the shifts overlapping that stretch; `?user_id=` one person's.
struct ShiftListQuery: RequestQuery {
    static let parameterNames = ["from", "to", "user_id"]
    let from: Date?
    let to: Date?
    let userID: UUID?

    init?(fields: inout FieldReader) {
        from = fields.timestamp("from", required: false)
        to = fields.timestamp("to", required: false)
        userID = fields.uuid("user_id", required: false)
    }
}
