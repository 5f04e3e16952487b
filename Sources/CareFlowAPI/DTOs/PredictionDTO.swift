import CareFlowCore
import Vapor

/// The answer of both prediction routes. The first three members are the seed's published
/// contract (`POST /api/predict/health-risk/`); the rest are additions it allows.
struct PredictionDTO: JSONContent {
    struct ModelReference: Content {
        let name: String
        let version: Int
    }

    let riskScore: Double
    let riskLevel: String
    let recommendedAction: String
    let model: ModelReference
    let contributions: [String: Double]
    let extrapolated: Bool
    /// Only on `/api/v1/predict/{model}`.
    let extrapolatedFeatures: [String]?
    let imputedFeatures: [String]?
    let assessmentID: UUID?

    enum CodingKeys: String, CodingKey {
        case model, contributions, extrapolated
        case riskScore = "risk_score"
        case riskLevel = "risk_level"
        case recommendedAction = "recommended_action"
        case extrapolatedFeatures = "extrapolated_features"
        case imputedFeatures = "imputed_features"
        case assessmentID = "assessment_id"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(riskScore, forKey: .riskScore)
        try c.encode(riskLevel, forKey: .riskLevel)
        try c.encode(recommendedAction, forKey: .recommendedAction)
        try c.encode(model, forKey: .model)
        try c.encode(contributions, forKey: .contributions)
        try c.encode(extrapolated, forKey: .extrapolated)
        try c.encodeIfPresent(extrapolatedFeatures, forKey: .extrapolatedFeatures)
        try c.encodeIfPresent(imputedFeatures, forKey: .imputedFeatures)
        try c.encodeIfPresent(assessmentID, forKey: .assessmentID)
    }
}

extension PredictionDTO {
    init(_ assessment: PredictionService.Assessment, detailed: Bool) {
        let p = assessment.prediction
        riskScore = p.probability
        riskLevel = assessment.level.title
        recommendedAction = assessment.recommendedAction
        model = ModelReference(name: p.model, version: p.version)
        contributions = PredictionService.contributions(p)
        extrapolated = p.extrapolated
        extrapolatedFeatures = detailed ? p.extrapolatedFeatures : nil
        imputedFeatures = detailed ? p.imputedFeatures : nil
        assessmentID = assessment.stored?.id
    }
}

/// A stored assessment as `GET /api/v1/patients/{id}/risk-assessments` shows it.
struct RiskAssessmentDTO: Content {
    let id: UUID
    let patientID: UUID
    let model: PredictionDTO.ModelReference
    let riskScore: Double
    let riskLevel: String
    let high: Bool
    let extrapolated: Bool
    let inputs: [String: JSONValue]
    let contributions: [String: Double]
    let createdBy: UUID
    let createdAt: Date?

    enum CodingKeys: String, CodingKey {
        case id, model, high, extrapolated, inputs, contributions
        case patientID = "patient_id"
        case riskScore = "risk_score"
        case riskLevel = "risk_level"
        case createdBy = "created_by"
        case createdAt = "created_at"
    }
}

extension RiskAssessmentDTO {
    init(_ entry: PredictionService.Entry) {
        let a = entry.assessment
        id = a.id!
        patientID = a.patientID
        model = .init(name: a.model, version: a.modelVersion)
        riskScore = a.riskScore
        riskLevel = a.riskLevel.title
        high = a.high
        extrapolated = a.extrapolated
        inputs = entry.inputs
        contributions = entry.contributions
        createdBy = a.createdBy
        createdAt = a.createdAt
    }
}

extension PredictionDTO: SchemaSample {
    static var schemaSamples: [Self] {
        [PredictionDTO(riskScore: 0.5, riskLevel: "High", recommendedAction: "See a doctor", model: ModelReference.schemaSamples[0],
                       contributions: ["age": 0.1], extrapolated: false, extrapolatedFeatures: ["age"], imputedFeatures: ["bmi"],
                       assessmentID: UUID())]
    }
    static var schemaNotes: [String: SchemaNote] { ["risk_level": .values(RiskLevel.allCases.map(\.title))] }
}

extension PredictionDTO.ModelReference: SchemaSample {
    static var schemaSamples: [Self] { [PredictionDTO.ModelReference(name: "health-risk", version: 1)] }
}

extension RiskAssessmentDTO: SchemaSample {
    static var schemaSamples: [Self] {
        [RiskAssessmentDTO(id: UUID(), patientID: UUID(), model: PredictionDTO.ModelReference.schemaSamples[0], riskScore: 0.5, riskLevel: "High",
                           high: true, extrapolated: false, inputs: ["age": .number(50)], contributions: ["age": 0.1], createdBy: UUID(),
                           createdAt: Date())]
    }
    static var schemaNotes: [String: SchemaNote] { ["risk_level": .values(RiskLevel.allCases.map(\.title))] }
}
