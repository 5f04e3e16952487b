import CareFlowCore

extension AppServices {
    /// Invoices (issue 14). A plain value over services built once, so it is made where used
    /// rather than adding a stored field and an initializer argument.
    var invoices: InvoiceService {
        InvoiceService(guardian: guardian, audit: audit, keyring: keyring, patients: patientAccess)
    }
}
