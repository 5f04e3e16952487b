import CareFlowCore
import Vapor

/// `POST /api/predict/health-risk/` (the seed's published contract), `POST /api/v1/predict/{model}`
/// and `GET /api/v1/patients/{patientID}/risk-assessments`.
struct PredictionController: RouteCollection {
    let requestsPerMinute: Int

    /// The seed contract's four measurements, all required.
    static let seedFields: Set<String> = ["age", "bmi", "blood_pressure", "cholesterol"]

    func boot(routes: any RoutesBuilder) throws {
        let limited = routes.grouped(UserRateLimitMiddleware(requestsPerMinute: requestsPerMinute))
        limited.post("api", "predict", "health-risk", use: seedHealthRisk)
        limited.post("api", "v1", "predict", ":model", use: predict)
        routes.get("api", "v1", "patients", ":patientID", "risk-assessments", use: list)
    }

    @Sendable
    func seedHealthRisk(req: Request) async throws -> PredictionDTO {
        let body = try await req.jsonObject()
        let assessment = try await run(req, model: "health-risk", inputs: body, required: Self.seedFields, patientID: nil)
        return PredictionDTO(assessment, detailed: false)
    }

    /// Body: the model's inputs, plus an optional `patient_id` to store the result on the record.
    @Sendable
    func predict(req: Request) async throws -> PredictionDTO {
        var inputs = try await req.jsonObject()
        var patient = FieldReader(["patient_id": inputs.removeValue(forKey: "patient_id") ?? .null])
        let patientID = patient.uuid("patient_id", required: false)
        try patient.finish()
        let model = req.parameters.get("model") ?? ""
        return PredictionDTO(try await run(req, model: model, inputs: inputs, required: [], patientID: patientID), detailed: true)
    }

    /// `?level=high` keeps the High results.
    @Sendable
    func list(req: Request) async throws -> ListResponse<RiskAssessmentDTO> {
        let level = try req.validatedQuery(RiskAssessmentQuery.self).level
        let page = try await req.services.predictions.list(
            patientID: req.uuidParameter("patientID",
                                         what: "Patient"), highOnly: level == .high, in: req.context(), page: req.pageRequest())
        return ListResponse(page, RiskAssessmentDTO.init)
    }

    private func run(_ req: Request, model: String, inputs: [String: JSONValue], required: Set<String>,
                     patientID: UUID?) async throws -> PredictionService.Assessment {
        let thresholds = req.services.tenants[try await req.currentTenantSlug()]?.riskThresholds[model]
        return try await req.services.predictions.predict(
            .init(model: model, inputs: inputs, required: required, patientID: patientID, thresholds: thresholds),
            in: req.context())
    }
}
