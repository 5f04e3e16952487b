import FluentKit
import Foundation

extension PrescriptionService {
    /// The analyses stored on a patient's record, newest first, opened; audited as one PHI
    /// read. Like risk assessments they are the clinicians' working material: the patient
    /// themself gets none (the prescription document is theirs when it is shared with them).
    public func list(patientID: UUID, in ctx: RequestContext, page: PageRequest) async throws -> Page<Stored> {
        let (_, patient) = try await patients.authorize(ctx.principal, .patientReadClinical, patientID: patientID, in: ctx.scope,
                                                        origin: ctx.origin)
        guard ClinicalAudience.of(ctx.principal, for: patient) != .patientThemself else { return Page(items: [], nextCursor: nil) }
        let rows = try await NewestFirst.page(ctx.scope.query(PrescriptionAssessment.self).filter(\.$patientID == patientID), page)
        let cipher = try await keyring.cipher(forTenant: ctx.tenantID, on: ctx.db)
        let stored = try rows.map { Stored(analysis: try cipher.open($0.analysisSealed), assessment: $0) }
        try await patients.recordRead(ctx.principal, patientID: patientID, what: "prescription_analyses",
                                      facilityID: patient.homeFacilityID, origin: ctx.origin, on: ctx.db)
        return stored
    }
}
