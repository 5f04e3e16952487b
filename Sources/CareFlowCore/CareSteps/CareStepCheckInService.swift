import FluentKit
import Foundation

/// Records that a patient did a care step on a day (issue 13), whoever reports it: the patient
/// in the app, the patient's SMS `DONE`, or a care-team member on their behalf. A day is checked
/// in once: a second check-in of the same day changes nothing and answers with the first. A
/// checklist task is done when checked in; a plan step when its last day is. Every check-in
/// that writes is an audit event naming who reported it and by which channel.
///
/// No HTTP and no `RequestContext`: the SMS path has a tenant and a phone number, not a
/// signed-in caller. Authorization is the caller's (`CareStepService` for the API).
public struct CareStepCheckInService: Sendable {
    let audit: AuditLog

    public init(audit: AuditLog) {
        self.audit = audit
    }

    public struct Outcome: Sendable {
        public let step: CareStep
        public let checkIn: CareStepCheckIn
        /// `false` when the day had been checked in already and nothing was written.
        public let recorded: Bool
    }

    /// Checks `stepID` in for `day` (default: today on the step's tenant wall clock).
    /// - Parameter actor: the signed-in user reporting it; `nil` for the patient's SMS reply.
    /// - Throws: 404 for a step of another tenant or none; 409 for a step already cancelled or
    ///   done (unless that same day was the one checked in, which is the idempotent answer).
    @discardableResult
    public func checkIn(stepID: UUID, day: CalendarDay? = nil, channel: CareStepCheckIn.Channel, actor: UUID?,
                        at now: Date = Date(), origin: RequestOrigin = .none, in scope: TenantScope) async throws -> Outcome {
        let step = try await scope.require(CareStep.self, stepID, name: "Care step")
        let day = day ?? CalendarDay(containing: now, in: step.zone)
        if let existing = try await checkIn(of: stepID, on: day, in: scope) {
            return Outcome(step: step, checkIn: existing, recorded: false)
        }
        guard step.status == .open else { throw AppError.conflict("This care step is \(step.status.rawValue)") }
        let patient = try await scope.find(Patient.self, step.patientID)
        let row = CareStepCheckIn()
        row.id = TimeOrderedID.make(at: now)
        row.stepID = stepID
        row.patientID = step.patientID
        row.day = day.description
        row.checkedInAt = now
        row.channel = channel
        row.actorID = actor
        let done = step.kind == .checklist || step.schedule.map { day >= $0.lastDay } ?? true
        do {
            try await scope.writeTransaction { tx in
                try await tx.create(row)
                if done {
                    step.status = .done
                    try await tx.update(step)
                }
                let who: AuditActor = actor.map(AuditActor.user) ?? patient?.userID.map(AuditActor.user) ?? .system
                try await audit.append(
                    AuditRecord(tenantID: scope.tenantID, facilityID: patient?.homeFacilityID, actor: who, action: .careStepCheckIn,
                                targetType: "care_step", targetID: stepID.lowercasedString,
                                details: ["patient_id": step.patientID.lowercasedString, "day": day.description,
                                          "channel": channel.rawValue, "status": done ? "done" : "open"]),
                    origin: origin, on: tx.db)
            }
        } catch where (error as? any DatabaseError)?.isConstraintFailure == true {
            // A concurrent check-in of the same day (app and SMS at once) won: theirs is the answer.
            guard let existing = try await checkIn(of: stepID, on: day, in: scope) else { throw error }
            let fresh = try await scope.require(CareStep.self, stepID, name: "Care step")
            return Outcome(step: fresh, checkIn: existing, recorded: false)
        }
        return Outcome(step: step, checkIn: row, recorded: true)
    }

    private func checkIn(of stepID: UUID, on day: CalendarDay, in scope: TenantScope) async throws -> CareStepCheckIn? {
        try await scope.query(CareStepCheckIn.self).filter(\.$stepID == stepID).filter(\.$day == day.description).first()
    }
}
