import FluentKit
import Foundation

/// A patient's care steps through the API (issue 13). Reading follows the notes the steps come
/// from (`care_step.read`: the care team, facility nurses, the patient themself) and is an
/// audited PHI read; a patient of another tenant is a 404. Checking in (`care_step.check_in`)
/// is the patient's, or a care-team member's on their behalf; `CareStepCheckInService` writes it.
public struct CareStepService: Sendable {
    let patients: PatientAccess
    let keyring: Keyring
    let checkIns: CareStepCheckInService

    public init(patients: PatientAccess, keyring: Keyring, checkIns: CareStepCheckInService) {
        self.patients = patients
        self.keyring = keyring
        self.checkIns = checkIns
    }

    /// A step with its sealed fields opened and the days it was checked in.
    public struct View: Sendable {
        public let step: CareStep
        public let title: String
        public let detail: String?
        public let checkIns: [CareStepCheckIn]
    }

    /// The patient's steps, newest first, optionally of one status.
    public func list(patientID: UUID, status: CareStep.Status?, page: PageRequest, in ctx: RequestContext) async throws -> Page<View> {
        let (_, patient) = try await patients.authorize(ctx.principal, .careStepRead, patientID: patientID, in: ctx.scope,
                                                        origin: ctx.origin)
        var query = ctx.scope.query(CareStep.self).filter(\.$patientID == patientID)
        if let status { query = query.filter(\.$status == status) }
        let rows = try await NewestFirst.page(query, page)
        let views = try await views(of: rows.items, in: ctx)
        try await patients.recordRead(ctx.principal, patientID: patientID, what: "care_steps", facilityID: patient.homeFacilityID,
                                      origin: ctx.origin, on: ctx.db)
        return Page(items: views, nextCursor: rows.nextCursor)
    }

    /// The caller's own steps as a patient (every patient record linked to their account); none
    /// for a caller who is no patient.
    public func mine(status: CareStep.Status?, page: PageRequest, in ctx: RequestContext) async throws -> Page<View> {
        let own = try await ctx.scope.query(Patient.self).filter(\.$userID == ctx.principal.subjectID).filter(\.$deletedAt == nil).all()
        var contexts: [PatientContext] = []
        for patient in own {
            let (_, context) = try await patients.authorize(ctx.principal, .careStepRead, patientID: try patient.requireID(),
                                                            in: ctx.scope, origin: ctx.origin)
            contexts.append(context)
        }
        guard !contexts.isEmpty else { return Page(items: [], nextCursor: nil) }
        var query = ctx.scope.query(CareStep.self).filter(\.$patientID ~~ contexts.map(\.patientID))
        if let status { query = query.filter(\.$status == status) }
        let rows = try await NewestFirst.page(query, page)
        let views = try await views(of: rows.items, in: ctx)
        for context in contexts {
            try await patients.recordRead(ctx.principal, patientID: context.patientID, what: "care_steps",
                                          facilityID: context.homeFacilityID, origin: ctx.origin, on: ctx.db)
        }
        return Page(items: views, nextCursor: rows.nextCursor)
    }

    /// Checks the step in for today (the tenant's day). `recorded` is `false` when today was
    /// checked in already: the same answer, nothing written twice.
    public func checkIn(stepID: UUID, at now: Date = Date(), in ctx: RequestContext) async throws -> (view: View, recorded: Bool) {
        let step = try await ctx.scope.require(CareStep.self, stepID, name: "Care step")
        let (_, patient) = try await patients.authorize(ctx.principal, .careStepCheckIn, patientID: step.patientID, in: ctx.scope,
                                                        origin: ctx.origin)
        let channel: CareStepCheckIn.Channel = patient.userID == ctx.principal.subjectID ? .app : .staff
        let outcome = try await checkIns.checkIn(stepID: stepID, channel: channel, actor: ctx.principal.subjectID, at: now,
                                                 origin: ctx.origin, in: ctx.scope)
        return (try await views(of: [outcome.step], in: ctx)[0], outcome.recorded)
    }

    private func views(of steps: [CareStep], in ctx: RequestContext) async throws -> [View] {
        guard !steps.isEmpty else { return [] }
        let ciphers = try await keyring.openingCiphers(forPatients: steps.map(\.patientID), tenantID: ctx.tenantID, on: ctx.db)
        let checkIns = try await CareStep.checkIns(of: steps, in: ctx.scope)
        return try steps.map { step in
            let cipher = ciphers[step.patientID]
            return View(step: step, title: try step.title(with: cipher), detail: try step.detail(with: cipher),
                 checkIns: checkIns[step.id!] ?? [])
        }
    }
}
