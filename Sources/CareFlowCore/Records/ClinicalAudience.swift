import Foundation

/// Who is reading a patient's clinical entries. Staff allowed by the policy table see every
/// entry; a patient reading their own file sees only what was shared with them (PRODUCT §1:
/// "records shared with them").
public enum ClinicalAudience: Sendable, Equatable {
    case careTeam
    case patientThemself

    /// Call after `patient.read_clinical` was authorized for `principal`.
    public static func of(_ principal: Principal, for patient: PatientContext) -> ClinicalAudience {
        let asStaff = Principal(
            subjectID: principal.subjectID, kind: principal.kind, tenantID: principal.tenantID, sessionID: principal.sessionID,
            grants: principal.grants.filter { $0.role != .patient }, amr: principal.amr)
        return AccessDecision.isAllowed(asStaff, .patientReadClinical, on: .patient(patient)) ? .careTeam : .patientThemself
    }

    func sees(sharedWithPatient: Bool) -> Bool {
        self == .careTeam || sharedWithPatient
    }
}
