import CareFlowCore
import Vapor

/// `/api/v1/patients/{patientID}/records`: a patient's medical records (bodies encrypted at rest).
struct RecordController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let records = routes.grouped("api", "v1", "patients", ":patientID", "records")
        records.post(use: create)
        records.get(use: list)
        records.get(":recordID", use: show)
    }

    @Sendable
    func create(req: Request) async throws -> Response {
        var body = FieldReader(try await req.jsonObject())
        let kind = body.enumeration("kind", MedicalRecord.Kind.self)
        let title = body.string("title", maxLength: 200)
        let text = body.string("body", maxLength: 50_000)
        let appointmentID = body.uuid("appointment_id", required: false)
        let shared = body.bool("shared_with_patient", required: false)
        try body.finish()
        // `finish` threw if a required field was missing; this only keeps the compiler honest.
        guard let kind, let title, let text else { throw AppError.validation(body.errors) }
        let entry = try await req.services.medicalRecords.create(
            .init(content: .init(kind: kind, title: title, body: text), appointmentID: appointmentID, sharedWithPatient: shared ?? false),
            patientID: req.uuidParameter("patientID", what: "Patient"), in: req.context())
        return try await MedicalRecordDTO(entry).encodeResponse(status: .created, for: req)
    }

    @Sendable
    func list(req: Request) async throws -> ListResponse<MedicalRecordDTO> {
        let page = try await req.services.medicalRecords.list(
            patientID: req.uuidParameter("patientID", what: "Patient"), in: req.context(), page: req.pageRequest())
        return ListResponse(page, MedicalRecordDTO.init)
    }

    @Sendable
    func show(req: Request) async throws -> MedicalRecordDTO {
        MedicalRecordDTO(try await req.services.medicalRecords.get(
            req.uuidParameter("recordID", what: "Medical record"), patientID: req.uuidParameter("patientID", what: "Patient"),
            in: req.context()))
    }
}
