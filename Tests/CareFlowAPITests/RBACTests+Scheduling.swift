@testable import CareFlowAPI
import CareFlowCore
import Fluent
import Foundation
import VaporTesting

/// The scheduling endpoints of the policy table test. Targets are `t[.doctor]` at `f1` and a
/// patient whose account is `t[.patient]`, so the `self` grants (the doctor, the patient) apply.
extension RBACTests {
    static let schedulingEndpoints: [Endpoint] = [
        Endpoint(name: "GET /doctors", action: .staffProfileRead) { _, _ in
            Call(method: .GET, path: "/api/v1/doctors", json: nil, success: .ok)
        },
        Endpoint(name: "GET /facilities/{id}/staff/{user}/profile", action: .staffProfileRead) { app, t in
            let scope = TenantScope(tenantID: t.id, db: app.db)
            if try await scope.query(StaffProfile.self).filter(\.$userID == t[.doctor].id).first() == nil {
                try await scope.create(StaffProfile(tenantID: t.id, userID: t[.doctor].id, facilityID: t.f1.id!))
            }
            return Call(method: .GET, path: "/api/v1/facilities/\(t.f1.id!)/staff/\(t[.doctor].id)/profile", json: nil, success: .ok)
        },
        Endpoint(name: "PUT /facilities/{id}/staff/{user}/profile", action: .staffProfileUpdate) { _, t in
            Call(method: .PUT, path: "/api/v1/facilities/\(t.f1.id!)/staff/\(t[.doctor].id)/profile",
                 json: jsonBody(["specialization": "Cardiology", "consultation_fee": 2000]), success: .ok)
        },
        Endpoint(name: "GET /doctors/{id}/availability", action: .availabilityRead) { _, t in
            Call(method: .GET, path: "/api/v1/doctors/\(t[.doctor].id)/availability", json: nil, success: .ok)
        },
        Endpoint(name: "PUT /doctors/{id}/availability", action: .availabilityManage) { _, t in
            let allWeek = (1...7).map { ["weekday": $0, "start": "00:00", "end": "24:00", "slot_minutes": 30] as [String: Any] }
            return Call(method: .PUT, path: "/api/v1/doctors/\(t[.doctor].id)/availability",
                        json: jsonBody(["facility_id": t.f1.id!.uuidString, "windows": allWeek]), success: .ok)
        },
        Endpoint(name: "GET /doctors/{id}/exceptions", action: .availabilityRead) { _, t in
            Call(method: .GET, path: "/api/v1/doctors/\(t[.doctor].id)/exceptions", json: nil, success: .ok)
        },
        Endpoint(name: "POST /doctors/{id}/exceptions", action: .availabilityManage) { _, t in
            Call(method: .POST, path: "/api/v1/doctors/\(t[.doctor].id)/exceptions",
                 json: jsonBody(["facility_id": t.f1.id!.uuidString, "starts_at": "2031-01-01T00:00:00Z", "ends_at": "2031-01-02T00:00:00Z",
                                 "reason": "holiday"]), success: .created)
        },
        Endpoint(name: "DELETE /doctors/{id}/exceptions/{id}", action: .availabilityManage) { app, t in
            let exception = AvailabilityException(
                tenantID: t.id, doctorID: t[.doctor].id, facilityID: t.f1.id, startsAt: FieldReader.parseTimestamp("2032-01-01T00:00:00Z")!,
                endsAt: FieldReader.parseTimestamp("2032-01-02T00:00:00Z")!, reason: .other, createdBy: nil)
            try await TenantScope(tenantID: t.id, db: app.db).create(exception)
            return Call(method: .DELETE, path: "/api/v1/doctors/\(t[.doctor].id)/exceptions/\(exception.id!)", json: nil, success: .noContent)
        },
        Endpoint(name: "GET /doctors/{id}/available-slots", action: .slotRead) { _, t in
            Call(method: .GET, path: "/api/v1/doctors/\(t[.doctor].id)/available-slots?date=\(SchedulingFixtures.day(daysAhead: 3))&facility_id=\(t.f1.id!)",
                 json: nil, success: .ok)
        },
        Endpoint(name: "POST /appointments", action: .appointmentBook) { app, t in
            let scope = TenantScope(tenantID: t.id, db: app.db)
            if try await scope.query(DoctorAvailability.self).filter(\.$doctorID == t[.doctor].id).count() != 7 {
                try await SchedulingFixtures.openAllWeek(app, t)
            }
            let start = SchedulingFixtures.slotStart(index: try await scope.query(Appointment.self).count())
            return Call(method: .POST, path: "/api/v1/appointments",
                        json: SchedulingFixtures.booking(patient: try await ownPatient(app, t), doctor: t[.doctor].id, facility: t.f1.id!,
                                                         startsAt: start), success: .created)
        },
        Endpoint(name: "GET /appointments", action: .appointmentRead) { _, _ in
            Call(method: .GET, path: "/api/v1/appointments", json: nil, success: .ok)
        },
        Endpoint(name: "GET /appointments/{id}", action: .appointmentRead) { app, t in
            let appointment = try await SchedulingFixtures.appointment(app, t, patient: try await ownPatient(app, t))
            return Call(method: .GET, path: "/api/v1/appointments/\(appointment.id!)", json: nil, success: .ok)
        },
        Endpoint(name: "POST /appointments/{id}/confirm", action: .appointmentManage) { app, t in
            let appointment = try await SchedulingFixtures.appointment(app, t, patient: try await ownPatient(app, t))
            return Call(method: .POST, path: "/api/v1/appointments/\(appointment.id!)/confirm", json: nil, success: .ok)
        },
        Endpoint(name: "POST /appointments/{id}/complete", action: .appointmentManage) { app, t in
            let appointment = try await pastAppointment(app, t, status: .confirmed)
            return Call(method: .POST, path: "/api/v1/appointments/\(appointment.id!)/complete", json: nil, success: .ok)
        },
        Endpoint(name: "POST /appointments/{id}/no-show", action: .appointmentManage) { app, t in
            let appointment = try await pastAppointment(app, t, status: .booked)
            return Call(method: .POST, path: "/api/v1/appointments/\(appointment.id!)/no-show", json: nil, success: .ok)
        },
        Endpoint(name: "POST /appointments/{id}/cancel", action: .appointmentCancel) { app, t in
            let appointment = try await SchedulingFixtures.appointment(app, t, patient: try await ownPatient(app, t))
            return Call(method: .POST, path: "/api/v1/appointments/\(appointment.id!)/cancel", json: nil, success: .ok)
        },
        Endpoint(name: "POST /facilities/{id}/shifts", action: .shiftManage) { app, t in
            let day = try await TenantScope(tenantID: t.id, db: app.db).query(Shift.self).count()
            let start = FieldReader.parseTimestamp("2031-01-01T06:00:00Z")!.addingTimeInterval(Double(day) * 86_400)
            return Call(method: .POST, path: "/api/v1/facilities/\(t.f1.id!)/shifts",
                        json: jsonBody(["user_id": t[.nurse].id.uuidString, "role": "nurse", "starts_at": SchedulingFixtures.iso(start),
                                        "ends_at": SchedulingFixtures.iso(start.addingTimeInterval(8 * 3600))]), success: .created)
        },
        Endpoint(name: "GET /facilities/{id}/shifts", action: .shiftRead) { _, t in
            Call(method: .GET, path: "/api/v1/facilities/\(t.f1.id!)/shifts", json: nil, success: .ok)
        },
        Endpoint(name: "DELETE /facilities/{id}/shifts/{id}", action: .shiftManage) { app, t in
            let scope = TenantScope(tenantID: t.id, db: app.db)
            let start = FieldReader.parseTimestamp("2033-01-01T06:00:00Z")!.addingTimeInterval(Double(try await scope.query(Shift.self).count()) * 86_400)
            let shift = Shift(tenantID: t.id, userID: t[.nurse].id, facilityID: t.f1.id!, startsAt: start,
                              endsAt: start.addingTimeInterval(3600), role: .nurse, createdBy: nil)
            try await scope.create(shift)
            return Call(method: .DELETE, path: "/api/v1/facilities/\(t.f1.id!)/shifts/\(shift.id!)", json: nil, success: .noContent)
        },
        Endpoint(name: "GET /facilities/{id}/coverage", action: .shiftRead) { _, t in
            Call(method: .GET, path: "/api/v1/facilities/\(t.f1.id!)/coverage?date=2030-01-07", json: nil, success: .ok)
        },
    ]

    /// One patient whose account is `t[.patient]`, registered on first use.
    static func ownPatient(_ app: Application, _ t: TestTenant) async throws -> UUID {
        if let existing = try await TenantScope(tenantID: t.id, db: app.db).query(Patient.self)
            .filter(\.$userID == t[.patient].id).filter(\.$deletedAt == nil).first() {
            return existing.id!
        }
        return try await Fixtures.patient(app, t)
    }

    static func pastAppointment(_ app: Application, _ t: TestTenant, status: Appointment.Status) async throws -> Appointment {
        let index = try await TenantScope(tenantID: t.id, db: app.db).query(Appointment.self).count()
        return try await SchedulingFixtures.appointment(app, t, patient: try await ownPatient(app, t), status: status,
                                                        startsAt: SchedulingFixtures.slotStart(index: index, daysAhead: -30))
    }
}
