import CareFlowCore
import Vapor

/// `/api/v1/patients/{patientID}/notes`: doctors' visit notes (bodies encrypted at rest).
struct NoteController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let notes = routes.grouped("api", "v1", "patients", ":patientID", "notes")
        notes.post(use: create)
        notes.get(use: list)
        notes.get(":noteID", use: show)
    }

    @Sendable
    func create(req: Request) async throws -> Response {
        var body = FieldReader(try await req.jsonObject())
        let text = body.string("body", maxLength: 50_000)
        let appointmentID = body.uuid("appointment_id", required: false)
        let shared = body.bool("shared_with_patient", required: false)
        try body.finish()
        // `finish` threw if a required field was missing; this only keeps the compiler honest.
        guard let text else { throw AppError.validation(body.errors) }
        let entry = try await req.services.visitNotes.create(
            .init(content: text, appointmentID: appointmentID, sharedWithPatient: shared ?? false),
            patientID: req.uuidParameter("patientID", what: "Patient"), in: req.context())
        return try await VisitNoteDTO(entry).encodeResponse(status: .created, for: req)
    }

    @Sendable
    func list(req: Request) async throws -> ListResponse<VisitNoteDTO> {
        let page = try await req.services.visitNotes.list(
            patientID: req.uuidParameter("patientID", what: "Patient"), in: req.context(), page: req.pageRequest())
        return ListResponse(page, VisitNoteDTO.init)
    }

    @Sendable
    func show(req: Request) async throws -> VisitNoteDTO {
        VisitNoteDTO(try await req.services.visitNotes.get(
            req.uuidParameter("noteID", what: "Visit note"), patientID: req.uuidParameter("patientID", what: "Patient"),
            in: req.context()))
    }
}
