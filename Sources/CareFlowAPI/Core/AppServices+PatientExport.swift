import CareFlowCore

extension AppServices {
    /// A patient's data export (issue 16): a stateless value over the services that own each
    /// part, built on use so the composition root stays as it is.
    var patientDataExports: PatientDataExportService {
        PatientDataExportService(
            access: patientAccess, patients: patients, records: medicalRecords, notes: visitNotes, documents: documents,
            appointments: appointments, invoices: invoices, claims: claims, admissions: admissions, careSteps: careSteps,
            prescriptions: prescriptions, predictions: predictions, audit: audit)
    }
}
