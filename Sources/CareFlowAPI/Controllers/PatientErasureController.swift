import CareFlowCore
import Vapor

/// `POST /api/v1/patients/{patientID}/erase` (GDPR Art. 17, group admins): crypto-shredding,
/// `PatientErasureService`.
struct PatientErasureController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.grouped("api", "v1", "patients").post(":patientID", "erase", use: erase)
    }

    @Sendable
    func erase(req: Request) async throws -> PatientErasureDTO {
        let patientID = try req.uuidParameter("patientID", what: "Patient")
        let body = try await req.validatedBody(PatientErasureBody.self)
        let services = req.services
        let service = PatientErasureService(patients: services.patients, staff: services.staff, documents: services.documents)
        return PatientErasureDTO(try await service.erase(patientID, reason: body.reason, in: req.context()))
    }
}
