import CareFlowCore
import Vapor

/// Care steps extracted from visit notes (issue 13): a patient's steps for their care team,
/// the patient's own, and checking one in.
struct CareStepController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let v1 = routes.grouped("api", "v1")
        v1.get("patients", ":patientID", "steps", use: list)
        v1.get("me", "steps", use: mine)
        v1.post("steps", ":stepID", "check-in", use: checkIn)
    }

    @Sendable
    func list(req: Request) async throws -> ListResponse<CareStepDTO> {
        let query = try req.validatedQuery(CareStepListQuery.self)
        let page = try await req.services.careSteps.list(patientID: req.uuidParameter("patientID", what: "Patient"), status: query.status,
                                                         page: req.pageRequest(), in: req.context())
        return ListResponse(page, CareStepDTO.init)
    }

    @Sendable
    func mine(req: Request) async throws -> ListResponse<CareStepDTO> {
        let query = try req.validatedQuery(CareStepListQuery.self)
        return ListResponse(try await req.services.careSteps.mine(status: query.status, page: req.pageRequest(), in: req.context()),
                            CareStepDTO.init)
    }

    /// 201 for the day's check-in, 200 when the day was checked in already.
    @Sendable
    func checkIn(req: Request) async throws -> Response {
        let (view, recorded) = try await req.services.careSteps.checkIn(stepID: req.uuidParameter("stepID", what: "Care step"),
                                                                        in: req.context())
        return try await CareStepDTO(view).encodeResponse(status: recorded ? .created : .ok, for: req)
    }
}
