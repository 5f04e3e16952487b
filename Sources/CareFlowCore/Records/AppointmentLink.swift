import FluentKit
import Foundation

/// A record, note or document may name the appointment it belongs to: it must be an
/// appointment of the same patient in the same tenant.
enum AppointmentLink {
    static func verify(_ appointmentID: UUID?, patientID: UUID, in scope: TenantScope) async throws {
        guard let appointmentID else { return }
        // Another tenant's or another patient's appointment gets the same answer as a missing one.
        guard let appointment = try await scope.find(Appointment.self, appointmentID), appointment.patientID == patientID else {
            throw AppError.invalid("appointment_id", "is not an appointment of this patient")
        }
    }
}
