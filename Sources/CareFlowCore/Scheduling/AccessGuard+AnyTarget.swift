import FluentKit
import Foundation

extension AccessGuard {
    /// Allows the action when any of the targets allows it: a scheduling resource is at once a
    /// facility's (for facility staff), a doctor's (`self` for the doctor) and a patient's
    /// (`self` for the patient). A denial is audited once, against the first target.
    func authorize(_ principal: Principal, _ action: Action, onAnyOf targets: [AccessTarget], origin: RequestOrigin,
                   db: any Database) async throws {
        if targets.contains(where: { AccessDecision.isAllowed(principal, action, on: $0) }) { return }
        try await authorize(principal, action, on: targets.first ?? .tenant, origin: origin, db: db)
    }
}

extension PatientContext {
    /// Only who the patient is: a `self` grant matches the patient's own account, and no
    /// facility or care-team grant matches (those are checked on the facility and the doctor).
    static func identity(of patientID: UUID, userID: UUID?) -> PatientContext {
        PatientContext(patientID: patientID, userID: userID, homeFacilityID: nil, doctorIDs: [], visitFacilityIDs: [])
    }
}
