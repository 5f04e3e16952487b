import CareFlowCore
import Vapor

/// `POST /api/v1/patients/{patientID}/prescriptions/analyze`: a prescription (text, or a text or
/// PDF prescription document of the patient) read into medicines and interactions, stored on
/// the patient's record.
struct PrescriptionController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.post("api", "v1", "patients", ":patientID", "prescriptions", "analyze", use: analyze)
    }

    @Sendable
    func analyze(req: Request) async throws -> PrescriptionAnalysisDTO {
        let body = try await req.validatedBody(PrescriptionAnalysisBody.self)
        let stored = try await req.services.prescriptions.analyze(
            body.input, patientID: req.uuidParameter("patientID", what: "Patient"), in: req.context())
        return PrescriptionAnalysisDTO(stored)
    }
}
