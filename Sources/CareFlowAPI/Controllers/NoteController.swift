import CareFlowCore
import Vapor

/// `/api/v1/patients/{patientID}/notes`: doctors' visit notes (bodies encrypted at rest).
struct NoteController: RouteCollection {
    static let routes = ClinicalEntryRoutes<VisitNotes, VisitNoteBody, VisitNoteDTO>(
        path: "notes", idParameter: "noteID", what: "Visit note", service: { $0.services.visitNotes },
        present: VisitNoteDTO.init)

    func boot(routes: any RoutesBuilder) throws {
        Self.routes.boot(routes)
    }
}
