import CareFlowCore

/// Wards and admissions (issue 14). Stateless values over shared services, built on use so the
/// composition root's list stays as it is.
extension AppServices {
    var wards: WardService { WardService(guardian: guardian, audit: audit) }
    var admissions: AdmissionService { AdmissionService(guardian: guardian, audit: audit, keyring: keyring, patients: patientAccess) }
}
