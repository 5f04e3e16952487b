import FluentKit
import Foundation

/// Appointment reminders (issue 13): `offsets` before a live appointment's start (tenant file,
/// default 24 h and 2 h), by the patient's channels. The key carries the start, so once an
/// appointment moves its earlier reminders match nothing; its status is read again under the
/// row lock, so a cancelled appointment is never reminded.
struct AppointmentReminders: ReminderSource {
    func run(at now: Date, for tenant: ReminderTenant, scheduler: ReminderScheduler, report: inout ReminderPassReport) async throws {
        let times = AppointmentReminderTimes(offsets: tenant.settings.appointmentOffsets)
        guard let longest = times.offsets.first else { return }
        let scope = tenant.scope
        let horizon = now.addingTimeInterval(TimeInterval(longest.components.seconds))
        let candidates = try await scope.query(Appointment.self)
            .filter(\.$status ~~ Appointment.Status.live)
            .filter(\.$startsAt > now).filter(\.$startsAt <= horizon)
            .sort(\.$startsAt).all()
        guard !candidates.isEmpty else { return }
        let sent = try await scope.query(ReminderDelivery.self).filter(\.$kind == .appointment)
            .filter(\.$subjectID ~~ candidates.compactMap(\.id)).all()
        let sentKeys = Set(sent.map(\.key))
        for appointment in candidates {
            let id = try appointment.requireID()
            let keys = Set(times.offsets.map {
                AppointmentReminderTimes.Key(appointmentID: id, start: appointment.startsAt, offsetSeconds: $0.components.seconds)
            }.filter { sentKeys.contains(ReminderKey.appointment($0)) })
            guard let due = times.due(appointmentID: id, start: appointment.startsAt, bookedAt: appointment.createdAt ?? now,
                                      now: now, sent: keys) else { continue }
            let start = appointment.startsAt
            try await scheduler.send(key: ReminderKey.appointment(due), kind: .appointment, subjectID: id,
                                     scheduledAt: start.addingTimeInterval(-TimeInterval(due.offsetSeconds)), now: now, in: scope,
                                     report: &report) { tx in
                guard try await ReminderScheduler.lockRow(Appointment.schema, id: id, in: tx),
                      let current = try await tx.find(Appointment.self, id),
                      Appointment.Status.live.contains(current.status), current.startsAt == start,
                      let patient = try await tx.find(Patient.self, current.patientID), patient.deletedAt == nil
                else { return nil }
                let facility = try await tx.find(Facility.self, current.facilityID)
                return (patient, Self.content(current, facility: facility, zone: tenant.zone))
            }
        }
    }

    /// "Reminder: appointment at Kigali Central Hospital on 2026-03-29 10:00. Reply YES to
    /// confirm, NO to cancel." No clinical content (the reason stays out of every channel).
    static func content(_ appointment: Appointment, facility: Facility?, zone: TimeZone) -> ReminderContent {
        let place = facility?.name ?? "the clinic"
        let when = ReminderText.localDateTime(appointment.startsAt, in: facility.map { StaffRoster.timeZone(of: $0) } ?? zone)
        let action = appointment.status == .confirmed ? "Reply NO to cancel." : "Reply YES to confirm, NO to cancel."
        let text = "Reminder: appointment at \(place) on \(when). \(action)"
        return ReminderContent(sms: text, emailSubject: "Appointment reminder: \(when)", emailBody: text,
                               pushTitle: "Appointment reminder",
                               pushData: ["kind": "appointment_reminder", "appointment_id": appointment.id!.lowercasedString])
    }
}
