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
        let context = try req.context()
        let outcome = try await service.erase(patientID, reason: body.reason, in: context)
        // Answers kept for Idempotency-Key retries are the API's, out of the core's reach: those
        // naming the patient (their registration, say) go too, so no retry replays them.
        let cipher = try await services.keyring.cipher(forTenant: context.scope.tenantID, on: req.db)
        try await IdempotencyRecord.forgetAnswers(mentioning: patientID, tenantID: context.scope.tenantID, cipher: cipher, on: req.db)
        return PatientErasureDTO(outcome)
    }
}
