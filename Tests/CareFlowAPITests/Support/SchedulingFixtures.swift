@testable import CareFlowAPI
import CareFlowCore
import Fluent
import Foundation
import VaporTesting

/// Schedules, slots and appointments for the scheduling tests.
enum SchedulingFixtures {
    /// Gives the doctor a schedule at the facility: every day, all day, in `slotMinutes` slots.
    static func openAllWeek(_ app: Application, _ t: TestTenant, doctor: UUID? = nil, facility: UUID? = nil,
                            slotMinutes: Int = 30) async throws {
        let scope = TenantScope(tenantID: t.id, db: app.db)
        let doctorID = doctor ?? t[.doctor].id
        let facilityID = facility ?? t.f1.id!
        try await scope.query(DoctorAvailability.self).filter(\.$doctorID == doctorID).filter(\.$facilityID == facilityID).delete()
        for weekday in 1...7 {
            try await scope.create(DoctorAvailability(
                tenantID: t.id, doctorID: doctorID, facilityID: facilityID,
                window: AvailabilityWindow(weekday: weekday, startMinute: 0, endMinute: 1440, slotMinutes: slotMinutes)))
        }
    }

    /// A day `daysAhead` days after today at the facility (Kigali for the fixture facilities).
    static func day(daysAhead: Int, zone: TimeZone = TimeZone(identifier: "Africa/Kigali")!) -> CalendarDay {
        let today = CalendarDay(containing: Date(), in: zone)
        return CalendarDay(containing: today.instant(atMinute: 720, in: zone).addingTimeInterval(Double(daysAhead) * 86_400), in: zone)
    }

    /// The start of the `index`th 30-minute slot of a day `daysAhead` days from today (spilling into
    /// the following days), in the fixture facilities' zone.
    static func slotStart(index: Int, daysAhead: Int = 7) -> Date {
        day(daysAhead: daysAhead + index / 48).instant(atMinute: (index % 48) * 30, in: TimeZone(identifier: "Africa/Kigali")!)
    }

    /// An appointment written straight to the database (no slot checks): for tests of what
    /// happens to existing appointments. Each one gets a start of its own.
    @discardableResult
    static func appointment(_ app: Application, _ t: TestTenant, patient: UUID, doctor: UUID? = nil, facility: UUID? = nil,
                            status: Appointment.Status = .booked, startsAt: Date? = nil, reason: String? = "Chest pain since Tuesday")
    async throws -> Appointment {
        let scope = TenantScope(tenantID: t.id, db: app.db)
        let start: Date
        if let startsAt {
            start = startsAt
        } else {
            start = slotStart(index: try await scope.query(Appointment.self).count(), daysAhead: 40)
        }
        let cipher = try await app.services.keyring.cipher(forTenant: t.id, on: app.db)
        let appointment = Appointment(
            tenantID: t.id, facilityID: facility ?? t.f1.id!, doctorID: doctor ?? t[.doctor].id, patientID: patient,
            startsAt: start, endsAt: start.addingTimeInterval(1800), status: status,
            reasonSealed: try reason.map { try cipher.seal($0) }, bookedBy: nil)
        try await scope.create(appointment)
        return appointment
    }

    static func iso(_ date: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f.string(from: date)
    }

    static func booking(patient: UUID, doctor: UUID, facility: UUID, startsAt: Date, reason: String? = nil) -> String {
        var body: [String: Any] = ["patient_id": patient.uuidString, "doctor_id": doctor.uuidString, "facility_id": facility.uuidString,
                                   "starts_at": iso(startsAt)]
        if let reason { body["reason"] = reason }
        return jsonBody(body)
    }

    /// A facility in another zone, with the tenant's doctor holding the doctor role there.
    static func facility(_ app: Application, _ t: TestTenant, code: String, zone: String, doctor: UUID? = nil) async throws -> Facility {
        let scope = TenantScope(tenantID: t.id, db: app.db)
        let facility = Facility(tenantID: t.id, code: "\(t.tenant.slug)-\(code)", name: code, timezone: zone)
        try await scope.create(facility)
        try await scope.create(RoleAssignment(tenantID: t.id, userID: doctor ?? t[.doctor].id, role: .doctor, facilityID: facility.id,
                                              grantedBy: nil))
        return facility
    }
}
