import FluentKit
import Foundation

/// Care-step reminders (issue 13, "Reminders until check-in"): each open plan step is reminded at
/// its clocks on the tenant's wall clock (the step keeps the zone it was made in; a clock stays
/// the same wall-clock time across a daylight-saving change), every day of its duration, except
/// days already checked in, by the patient's channels. A pass sends a step's latest due instant
/// of today that was not sent (`ReminderSchedule.due`): a worker that was down sends today's
/// latest missed reminder once, never yesterday's.
struct StepReminders: ReminderSource {
    let keyring: Keyring

    func run(at now: Date, for tenant: ReminderTenant, scheduler: ReminderScheduler, report: inout ReminderPassReport) async throws {
        let scope = tenant.scope
        let steps = try await scope.query(CareStep.self).filter(\.$status == .open).filter(\.$kind == .plan).sort(\.$id).all()
        guard !steps.isEmpty else { return }
        let checkIns = try await CareStep.checkIns(of: steps, in: scope)
        let sent = try await scope.query(ReminderDelivery.self).filter(\.$kind == .step)
            .filter(\.$subjectID ~~ steps.compactMap(\.id)).all()
        let lastSent = Dictionary(sent.map { ($0.subjectID, $0.scheduledAt) }, uniquingKeysWith: max)
        for step in steps {
            guard let id = step.id, let schedule = step.schedule else { continue }
            let days = Set((checkIns[id] ?? []).compactMap { CalendarDay($0.day) })
            guard let due = schedule.due(at: now, created: step.createdAt ?? now, lastSent: lastSent[id], checkedIn: days),
                  let clock = LocalClock(CalendarDay.wallClock(due, in: schedule.zone)) else { continue }
            let day = CalendarDay(containing: due, in: schedule.zone)
            let keyring = self.keyring
            try await scheduler.send(key: ReminderKey.step(id, day: day, clock: clock), kind: .step, subjectID: id, scheduledAt: due,
                                     now: now, in: scope, report: &report) { tx in
                // Under the step's lock: still open, and not checked in today meanwhile.
                guard try await ReminderScheduler.lockRow(CareStep.schema, id: id, in: tx),
                      let current = try await tx.find(CareStep.self, id), current.status == .open,
                      try await tx.query(CareStepCheckIn.self).filter(\.$stepID == id).filter(\.$day == day.description).first() == nil,
                      let patient = try await tx.find(Patient.self, current.patientID), patient.deletedAt == nil
                else { return nil }
                let open = try await CareStep.openPlanSteps(patientID: current.patientID, in: tx)
                let cipher = try await keyring.openingCiphers(forPatients: [current.patientID], tenantID: tx.tenantID, on: tx.db)[current.patientID]
                return (patient, try Self.content(for: current, among: open, cipher: cipher))
            }
        }
    }

    /// "Reminder: Take amoxicillin 500 mg. Reply DONE when done." With several open plan steps
    /// the reply names them in the order `DONE n` reads them (oldest first): "Reply DONE 1 for
    /// Take amoxicillin 500 mg, DONE 2 for Walk 30 minutes."
    static func content(for step: CareStep, among open: [CareStep], cipher: FieldCipher) throws -> ReminderContent {
        let title = try step.title(with: cipher)
        var text = "Reminder: \(Self.sentence(title))"
        if let detail = try step.detail(with: cipher).map(Self.sentence), !detail.isEmpty { text += " \(detail)" }
        if open.count > 1 {
            let choices = try open.enumerated().map { "DONE \($0.offset + 1) for \(try $0.element.title(with: cipher))" }
            text += " Reply " + choices.joined(separator: ", ") + "."
        } else {
            text += " Reply DONE when done."
        }
        return ReminderContent(sms: text, emailSubject: "Reminder: \(title)", emailBody: text, pushTitle: "Care reminder",
                               pushData: ["kind": "care_step_reminder", "step_id": step.id!.lowercasedString])
    }

    /// `text` ended as a sentence. Extracted details are phrases ("Amoxicillin 500 mg three times
    /// daily for 7 days"): without a stop the text ran on into "… for 7 days Reply DONE"; a title
    /// that already ends in one is not doubled ("Take metformin..").
    static func sentence(_ text: String) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let last = trimmed.last, !".!?".contains(last) else { return trimmed }
        return trimmed + "."
    }
}
