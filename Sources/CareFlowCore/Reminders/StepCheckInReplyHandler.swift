import FluentKit
import Foundation

/// SMS `DONE` (or `DONE 2`) checks in the first (second, …) open plan step of the patient with
/// the sender's phone number, oldest first as the reminders list them, for today on the step's
/// wall clock (issue 13); the reply confirms. The check-in is the same as in the app
/// (`CareStepCheckInService`, audited `care_step.check_in`, channel `sms`), so no more
/// reminders go out that day for the step.
public struct StepCheckInReplyHandler: InboundSMSHandler {
    let checkIns: CareStepCheckInService
    let keyring: Keyring
    let clock: any WallClock

    public init(checkIns: CareStepCheckInService, keyring: Keyring, clock: any WallClock = SystemWallClock()) {
        self.checkIns = checkIns
        self.keyring = keyring
        self.clock = clock
    }

    public func handle(_ sms: InboundSMS, in scope: TenantScope) async throws -> String? {
        guard case .done(let position) = sms.reply else { return nil }
        let now = clock.now()
        let patients = try await scope.query(Patient.self).filter(\.$phoneIndex == sms.fromPhoneIndex).filter(\.$deletedAt == nil)
            .sort(\.$id).all()
        guard !patients.isEmpty else { return "We could not find a patient with this phone number." }
        // A number shared by several patients (a parent's phone): the first with open steps.
        var open: [CareStep] = []
        for patient in patients {
            open = try await CareStep.openPlanSteps(patientID: patient.requireID(), in: scope)
            if !open.isEmpty { break }
        }
        guard !open.isEmpty else { return "You have no open care step to check in." }
        guard position <= open.count else {
            return "You have \(open.count) open care step\(open.count == 1 ? "" : "s"): reply DONE 1" + (open.count > 1 ? " to DONE \(open.count)." : ".")
        }
        let step = open[position - 1]
        let outcome = try await checkIns.checkIn(stepID: step.requireID(), channel: .sms, actor: nil, at: now, origin: sms.origin, in: scope)
        let title = try step.title(with: try await keyring.openingCiphers(forPatients: [step.patientID], tenantID: scope.tenantID,
                                                                          on: scope.db)[step.patientID])
        return outcome.recorded
            ? "Thank you: \"\(title)\" is checked in for today."
            : "\"\(title)\" was already checked in for today."
    }
}
