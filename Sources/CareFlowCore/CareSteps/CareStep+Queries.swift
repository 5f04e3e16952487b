import FluentKit
import Foundation

extension CareStep {
    /// The patient's open plan steps, oldest first: the order a reminder lists them in, so
    /// that an SMS `DONE 2` names the second of them.
    public static func openPlanSteps(patientID: UUID, in scope: TenantScope) async throws -> [CareStep] {
        // Ids are time-ordered (`TimeOrderedID`): ascending id is creation order on both databases.
        try await scope.query(CareStep.self).filter(\.$patientID == patientID).filter(\.$status == .open)
            .filter(\.$kind == .plan).sort(\.$id, .ascending).all()
    }

    /// The days each step was checked in on, oldest first, by step id.
    public static func checkIns(of steps: [CareStep], in scope: TenantScope) async throws -> [UUID: [CareStepCheckIn]] {
        let ids = steps.compactMap(\.id)
        guard !ids.isEmpty else { return [:] }
        let rows = try await scope.query(CareStepCheckIn.self).filter(\.$stepID ~~ ids).sort(\.$day, .ascending).all()
        return Dictionary(grouping: rows, by: \.stepID)
    }
}
