import CareFlowCore
import Vapor

/// The routes of an authored clinical entry under `/api/v1/patients/{patientID}/<path>`: `POST`
/// (201 and the entry), `GET` (a newest-first page) and `GET /{id}`. Records and notes differ
/// only in the fields of their body and the DTO they answer with, so they declare those and
/// share the rest.
struct ClinicalEntryRoutes<Kind: ClinicalEntryKind, DTO: Content>: Sendable where Kind.Model: AuthoredClinicalEntry {
    /// The last path segment (`records`).
    let path: String
    /// The entry id's route parameter (`recordID`).
    let idParameter: String
    /// Its name in the 404 of a malformed id (`Medical record`).
    let what: String
    let service: @Sendable (Request) -> ClinicalEntryService<Kind>
    /// Reads the kind's own fields, before the common ones (so a 422 names fields in body
    /// order); nil when one is missing or bad, the reader then holding the errors.
    let readContent: @Sendable (inout FieldReader) -> Kind.Content?
    let present: @Sendable (ClinicalEntryService<Kind>.Entry) -> DTO

    func boot(_ routes: any RoutesBuilder) {
        let entries = routes.grouped("api", "v1", "patients", ":patientID", .constant(path))
        entries.post(use: create)
        entries.get(use: list)
        entries.get(.parameter(idParameter), use: show)
    }

    @Sendable
    func create(req: Request) async throws -> Response {
        var body = FieldReader(try await req.jsonObject())
        let content = readContent(&body)
        let appointmentID = body.uuid("appointment_id", required: false)
        let shared = body.bool("shared_with_patient", required: false)
        try body.finish()
        // `finish` threw if the content was incomplete; this only keeps the compiler honest.
        guard let content else { throw AppError.validation(body.errors) }
        let entry = try await service(req).create(
            .init(content: content, appointmentID: appointmentID, sharedWithPatient: shared ?? false),
            patientID: req.uuidParameter("patientID", what: "Patient"), in: req.context())
        return try await present(entry).encodeResponse(status: .created, for: req)
    }

    @Sendable
    func list(req: Request) async throws -> ListResponse<DTO> {
        let page = try await service(req).list(
            patientID: req.uuidParameter("patientID", what: "Patient"), in: req.context(), page: req.pageRequest())
        return ListResponse(page, present)
    }

    @Sendable
    func show(req: Request) async throws -> DTO {
        present(try await service(req).get(
            req.uuidParameter(idParameter, what: what), patientID: req.uuidParameter("patientID", what: "Patient"), in: req.context()))
    }
}
