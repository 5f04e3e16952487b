import FluentKit
import Foundation

/// The one place that decides whether a caller may touch a patient, and records PHI reads.
/// Every patient-scoped service (patients, records, notes, documents, appointments) goes
/// through it, so the care-team and facility rules of PRODUCT §1 are applied identically.
public struct PatientAccess: Sendable {
    let guardian: AccessGuard
    let audit: AuditLog

    public init(guardian: AccessGuard, audit: AuditLog) {
        self.guardian = guardian
        self.audit = audit
    }

    /// Who cares for the patient and where they are seen (`PatientFacilities`: home facility,
    /// appointments and admissions). A patient of another tenant, or a deleted one, is "not found".
    public func context(of patientID: UUID, in scope: TenantScope, now: Date = Date()) async throws -> (Patient, PatientContext) {
        guard let patient = try await scope.find(Patient.self, patientID) else { throw AppError.notFound("Patient not found") }
        guard patient.deletedAt == nil else {
            // An erased patient (GDPR Art. 17) is gone for good, and says so; a deleted one is not found.
            if try await scope.query(PatientErasure.self).filter(\.$patientID == patientID).count() > 0 {
                throw AppError.gone("Patient was erased")
            }
            throw AppError.notFound("Patient not found")
        }
        let relationships = try await scope.query(CareRelationship.self).filter(\.$patientID == patientID).all()
            .filter { $0.isActive(at: now) }
        // Doctors reach through their own appointments (PRODUCT §1: "assigned or appointment");
        // an admission does not add a doctor, only a facility.
        let appointmentDoctors = try await scope.query(Appointment.self).filter(\.$patientID == patientID)
            .filter(\.$status != .cancelled).all(\.$doctorID)
        let context = PatientContext(
            patientID: patientID, userID: patient.userID, homeFacilityID: patient.homeFacilityID,
            doctorIDs: Set(relationships.map(\.doctorID) + appointmentDoctors),
            visitFacilityIDs: try await PatientFacilities.visitFacilities(of: patientID, in: scope))
        return (patient, context)
    }

    /// Loads the patient and checks the action; a denial is a 403 and an audit event.
    @discardableResult
    public func authorize(_ principal: Principal, _ action: Action, patientID: UUID, in scope: TenantScope,
                          origin: RequestOrigin) async throws -> (Patient, PatientContext) {
        let (patient, context) = try await context(of: patientID, in: scope)
        try await guardian.authorize(principal, action, on: .patient(context), origin: origin, db: scope.db)
        return (patient, context)
    }

    /// May the principal see clinical content of this patient? (No audit: used to shape a
    /// response, not to refuse it.)
    public func canReadClinical(_ principal: Principal, _ context: PatientContext) -> Bool {
        AccessDecision.isAllowed(principal, .patientReadClinical, on: .patient(context))
    }

    /// Records a read of PHI (PRODUCT §12): who read what of which patient.
    public func recordRead(_ principal: Principal, patientID: UUID, what: String, facilityID: UUID? = nil,
                           origin: RequestOrigin, on db: any Database) async throws {
        try await audit.append(
            AuditRecord(tenantID: principal.tenantID, facilityID: facilityID, actor: principal.auditActor, action: .phiRead,
                        targetType: "patient", targetID: patientID.lowercasedString, details: ["what": what]),
            origin: origin, on: db)
    }
}
