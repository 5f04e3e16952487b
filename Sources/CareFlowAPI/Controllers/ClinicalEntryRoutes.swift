import CareFlowCore
import Vapor

/// The routes of an authored clinical entry under `/api/v1/patients/{patientID}/<path>`: `POST`
/// (201 and the entry), `GET` (a newest-first page) and `GET /{id}`. Records and notes differ
/// only in their body (`RequestBodies/ClinicalEntryBodies.swift`) and the DTO they answer with,
/// so they declare those and share the rest.
struct ClinicalEntryRoutes<Kind: ClinicalEntryKind, Body: ClinicalEntryBody<Kind>, DTO: Content>: Sendable
where Kind.Model: AuthoredClinicalEntry {
    /// The last path segment (`records`).
    let path: String
    /// The entry id's route parameter (`recordID`).
    let idParameter: String
    /// Its name in the 404 of a malformed id (`Medical record`).
    let what: String
    let service: @Sendable (Request) -> ClinicalEntryService<Kind>
    let present: @Sendable (ClinicalEntryService<Kind>.Entry) -> DTO

    func boot(_ routes: any RoutesBuilder) {
        let entries = routes.grouped("api", "v1", "patients", ":patientID", .constant(path))
        entries.post(use: create)
        entries.get(use: list)
        entries.get(.parameter(idParameter), use: show)
    }

    @Sendable
    func create(req: Request) async throws -> Response {
        let body = try await req.validatedBody(Body.self)
        let entry = try await service(req).create(body.draft, patientID: req.uuidParameter("patientID", what: "Patient"),
                                                  in: req.context())
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
