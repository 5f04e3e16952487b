@testable import CareFlowAPI
import CareFlowCore
import Fluent
import Foundation
import Testing
import VaporTesting

/// Finding 2 of the security review: a doctor must not enter a stranger's care team by
/// booking an appointment with themself.
@Suite("Booking is not a way into a patient's records")
struct SelfBookingTests {
    @Test("a doctor without a relationship cannot book with themself; reception's booking grants access", arguments: TestBackend.enabled)
    func selfBooking(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "selfbook")
            let patient = try await Fixtures.patient(app, t)
            // A second doctor of the same facility who has never seen this patient.
            let stranger = try await Fixtures.user(app, tenant: t.tenant, email: "stranger@selfbook.test", role: .doctor, facility: t.f1.id)
            try await SchedulingFixtures.openAllWeek(app, t, doctor: stranger.id)
            let records = "/api/v1/patients/\(patient)/records"
            #expect(try await app.send(.GET, records, token: stranger.token).status == .forbidden)

            let denialsBefore = try await AuditEvent.query(on: app.db).filter(\.$action == "access.denied").count()
            let booking = SchedulingFixtures.booking(patient: patient, doctor: stranger.id, facility: t.f1.id!,
                                                     startsAt: SchedulingFixtures.slotStart(index: 20), reason: nil)
            let selfBooked = try await app.send(.POST, "/api/v1/appointments", token: stranger.token, json: booking)
            #expect(selfBooked.status == .forbidden, "\(selfBooked.text)")
            #expect(selfBooked.isProblem)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "access.denied").count() == denialsBefore + 1)
            #expect(try await Appointment.query(on: app.db).filter(\.$doctorID == stranger.id).count() == 0, "nothing was booked")
            #expect(try await app.send(.GET, records, token: stranger.token).status == .forbidden)

            // The patient's own doctor still books with themself.
            try await SchedulingFixtures.openAllWeek(app, t)
            let own = SchedulingFixtures.booking(patient: patient, doctor: t[.doctor].id, facility: t.f1.id!,
                                                 startsAt: SchedulingFixtures.slotStart(index: 21), reason: nil)
            #expect(try await app.send(.POST, "/api/v1/appointments", token: t[.doctor].token, json: own).status == .created)

            // Reception books the stranger for the patient: now the doctor cares for them.
            let byReception = try await app.send(.POST, "/api/v1/appointments", token: t[.receptionist].token, json: booking)
            #expect(byReception.status == .created, "\(byReception.text)")
            #expect(try await app.send(.GET, records, token: stranger.token).status == .ok)
        }
    }
}
