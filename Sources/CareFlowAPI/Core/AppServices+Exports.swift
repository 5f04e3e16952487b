import CareFlowCore

extension AppServices {
    /// Exports hold no state of their own: built from the shared services when asked (a few
    /// references), which keeps the composition root untouched.
    var exports: ExportService {
        ExportService(patients: patients, analytics: analytics, guardian: guardian, keyring: keyring, audit: audit)
    }
}
