@testable import CareFlowAPI
@testable import CareFlowCore
import Foundation
import VaporTesting

/// The care-step endpoints of the policy table test. Each call gets a fresh open checklist step
/// of a new patient (cared for by the tenant's doctor, at f1, linked to the patient account).
extension RBACTests {
    static let careStepEndpoints: [Endpoint] = [
        Endpoint(name: "GET /patients/{id}/steps", action: .careStepRead) { app, t in
            Call(method: .GET, path: "/api/v1/patients/\(try await Fixtures.patient(app, t))/steps", json: nil, success: .ok)
        },
        Endpoint(name: "POST /steps/{id}/check-in", action: .careStepCheckIn) { app, t in
            Call(method: .POST, path: "/api/v1/steps/\(try await openStep(app, t))/check-in", json: nil, success: .created)
        },
    ]

    /// A note and one checklist step from it, written as the worker would.
    static func openStep(_ app: Application, _ t: TestTenant) async throws -> UUID {
        let patientID = try await Fixtures.patient(app, t)
        let scope = TenantScope(tenantID: t.id, db: app.db)
        let cipher = try await app.services.keyring.cipher(forTenant: t.id, on: app.db)
        let note = VisitNote()
        note.id = TimeOrderedID.make()
        note.patientID = patientID
        note.authorID = t[.doctor].id
        note.bodySealed = try cipher.seal("Book a follow-up visit in 2 weeks.")
        note.sharedWithPatient = false
        try await scope.create(note)
        let step = CareStep()
        step.id = TimeOrderedID.make()
        step.patientID = patientID
        step.noteID = note.id!
        step.kind = .checklist
        step.titleSealed = try cipher.seal("Book a follow-up visit in 2 weeks")
        step.timeZone = "Africa/Kigali"
        step.status = .open
        step.source = .rules
        try await scope.create(step)
        return step.id!
    }
}
