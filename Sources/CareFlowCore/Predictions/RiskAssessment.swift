import FluentKit
import Foundation

/// A prediction stored on a patient's record. Model, version, score and level are in clear so
/// high-risk results can be queried for analytics (`high`); the inputs and each feature's
/// contribution are sealed under the tenant's data key.
public final class RiskAssessment: Model, TenantOwned, @unchecked Sendable {
    public static let schema = "risk_assessments"
    public static var tenantIDField: KeyPath<RiskAssessment, FieldProperty<RiskAssessment, UUID>> { \.$tenantID }

    @ID(key: .id) public var id: UUID?
    @Field(key: "tenant_id") public var tenantID: UUID
    @Field(key: "patient_id") public var patientID: UUID
    @Field(key: "model") public var model: String
    @Field(key: "model_version") public var modelVersion: Int
    @Field(key: "risk_score") public var riskScore: Double
    @Field(key: "risk_level") public var riskLevel: RiskLevel
    /// `risk_level == high`, as its own indexed column for "every high-risk patient" queries.
    @Field(key: "high") public var high: Bool
    @Field(key: "extrapolated") public var extrapolated: Bool
    @Field(key: "inputs_sealed") public var inputsSealed: Sealed<[String: JSONValue]>
    @Field(key: "contributions_sealed") public var contributionsSealed: Sealed<[String: Double]>
    @Field(key: "created_by") public var createdBy: UUID
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?

    public init() {}

    init(id: UUID, tenantID: UUID, patientID: UUID, model: String, modelVersion: Int, riskScore: Double, riskLevel: RiskLevel,
         extrapolated: Bool, inputsSealed: Sealed<[String: JSONValue]>, contributionsSealed: Sealed<[String: Double]>, createdBy: UUID) {
        self.id = id
        self.tenantID = tenantID
        self.patientID = patientID
        self.model = model
        self.modelVersion = modelVersion
        self.riskScore = riskScore
        self.riskLevel = riskLevel
        self.high = riskLevel == .high
        self.extrapolated = extrapolated
        self.inputsSealed = inputsSealed
        self.contributionsSealed = contributionsSealed
        self.createdBy = createdBy
    }
}
