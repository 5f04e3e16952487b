import CareFlowCore
import Vapor

/// `/api/v1/patients/{patientID}/records`: a patient's medical records (bodies encrypted at rest).
struct RecordController: RouteCollection {
    static let routes = ClinicalEntryRoutes<MedicalRecords, MedicalRecordBody, MedicalRecordDTO>(
        path: "records", idParameter: "recordID", what: "Medical record", service: { $0.services.medicalRecords },
        present: MedicalRecordDTO.init)

    func boot(routes: any RoutesBuilder) throws {
        Self.routes.boot(routes)
    }
}
