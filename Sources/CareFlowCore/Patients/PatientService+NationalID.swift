import FluentKit
import Foundation

extension PatientService {
    /// A national id belongs to one living patient. Saying "already registered" confirms that
    /// a person is a patient here, so the precise 409 goes only to a caller who may read that
    /// patient anyway; anyone else gets the same kind of 422 as for any other unacceptable
    /// `national_id`, and the refusal is audited so repeated probing shows in the trail.
    func refuseDuplicate(nationalID: String, except patientID: UUID?, cipher: FieldCipher, in scope: TenantScope,
                         by principal: Principal, origin: RequestOrigin) async throws {
        let holders = try await scope.query(Patient.self).filter(\.$nationalIDIndex == cipher.index(nationalID, as: .nationalID))
            .filter(\.$deletedAt == nil).all()
        guard let holder = holders.first(where: { $0.id != patientID }), let holderID = holder.id else { return }
        let (_, context) = try await access.context(of: holderID, in: scope)
        if AccessDecision.isAllowed(principal, .patientRead, on: .patient(context)) {
            throw AppError.conflict("A patient with this national id is already registered")
        }
        try await audit.append(
            AuditRecord(tenantID: scope.tenantID, actor: principal.auditActor, action: .patientNationalIdRefused,
                        outcome: .denied, targetType: "patient", targetID: holderID.lowercasedString,
                        details: ["reason": "registered to a patient the caller cannot read"]),
            origin: origin, on: scope.db)
        throw AppError.invalid("national_id", "cannot be accepted; check the number")
    }
}
