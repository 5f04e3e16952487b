import CareFlowCore
import Vapor

/// `/api/v1/patients/{patientID}/records`: a patient's medical records (bodies encrypted at rest).
struct RecordController: RouteCollection {
    static let routes = ClinicalEntryRoutes<MedicalRecords, MedicalRecordDTO>(
        path: "records", idParameter: "recordID", what: "Medical record", service: { $0.services.medicalRecords },
        readContent: { body in
            let kind = body.enumeration("kind", MedicalRecord.Kind.self)
            let title = body.string("title", maxLength: 200)
            let text = body.string("body", maxLength: 50_000)
            guard let kind, let title, let text else { return nil }
            return .init(kind: kind, title: title, body: text)
        },
        present: MedicalRecordDTO.init)

    func boot(routes: any RoutesBuilder) throws {
        Self.routes.boot(routes)
    }
}
