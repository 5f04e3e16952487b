import CareFlowModels
import FluentKit
import Foundation

/// Runs the active version of a model on a request's inputs: checks who may, validates every
/// field, maps the probability to a level and an action, and — with a patient — stores the
/// assessment on the patient's record, sealed and audited.
public struct PredictionService: Sendable {
    let registry: ModelRegistry
    let guardian: AccessGuard
    let patients: PatientAccess
    let keyring: Keyring
    let audit: AuditLog

    public init(registry: ModelRegistry, guardian: AccessGuard, patients: PatientAccess, keyring: Keyring, audit: AuditLog) {
        self.registry = registry
        self.guardian = guardian
        self.patients = patients
        self.keyring = keyring
        self.audit = audit
    }

    public struct Request: Sendable {
        public var model: String
        public var inputs: [String: JSONValue]
        /// Inputs that must be present (the seed contract requires its four).
        public var required: Set<String>
        public var patientID: UUID?
        /// The tenant's thresholds for this model, nil for the defaults.
        public var thresholds: RiskThresholds?

        public init(model: String, inputs: [String: JSONValue], required: Set<String> = [], patientID: UUID? = nil,
                    thresholds: RiskThresholds? = nil) {
            self.model = model
            self.inputs = inputs
            self.required = required
            self.patientID = patientID
            self.thresholds = thresholds
        }
    }

    public struct Assessment: Sendable {
        public let prediction: Prediction
        public let level: RiskLevel
        public let recommendedAction: String
        public let thresholds: RiskThresholds
        /// The stored row, when a patient was given.
        public let stored: RiskAssessment?
    }

    public func predict(_ request: Request, in context: RequestContext) async throws -> Assessment {
        let (scope, principal, origin) = (context.scope, context.principal, context.origin)
        try await guardian.authorize(principal, .predictionRun, on: .tenant, origin: origin, db: scope.db)
        guard let predictor = try await registry.predictor(for: request.model) else {
            throw AppError.notFound("Model not found")
        }
        var context: PatientContext?
        if let patientID = request.patientID {
            context = try await patients.authorize(principal, .patientUpdateClinical, patientID: patientID, in: scope, origin: origin).1
        }
        let features = try Self.featureValues(request.inputs, model: predictor.model, required: request.required)
        let prediction: Prediction
        do {
            prediction = try predictor.predict(features)
        } catch {
            throw AppError.validation([FieldError(field: Self.field(of: error), reason: error.description)])
        }
        let thresholds = request.thresholds ?? RiskThresholds.defaults(for: request.model)
        let level = thresholds.level(of: prediction.probability)
        var stored: RiskAssessment?
        if let context {
            // Inputs and contributions are the patient's: sealed under their own key.
            let cipher = try await keyring.cipher(forPatient: context.patientID, tenantID: scope.tenantID, on: scope.db)
            let row = RiskAssessment(
                id: TimeOrderedID.make(), tenantID: scope.tenantID, patientID: context.patientID, model: prediction.model,
                modelVersion: prediction.version, riskScore: prediction.probability, riskLevel: level,
                extrapolated: prediction.extrapolated, inputsSealed: try cipher.seal(request.inputs),
                contributionsSealed: try cipher.seal(Self.contributions(prediction)), createdBy: principal.subjectID)
            try await scope.create(row)
            try await audit.append(
                AuditRecord(tenantID: scope.tenantID, facilityID: context.homeFacilityID, actor: principal.auditActor,
                            action: .riskAssessmentCreate, targetType: "risk_assessment",
                            targetID: row.id!.lowercasedString,
                            details: ["patient_id": context.patientID.lowercasedString, "model": prediction.model,
                                      "version": String(prediction.version)]),
                origin: origin, on: scope.db)
            stored = row
        }
        return Assessment(prediction: prediction, level: level, recommendedAction: RecommendedAction.for(model: request.model, level: level),
                          thresholds: thresholds, stored: stored)
    }

    /// An assessment with its inputs and contributions opened.
    public struct Entry: Sendable {
        public let assessment: RiskAssessment
        public let inputs: [String: JSONValue]
        public let contributions: [String: Double]
    }

    /// Newest first; audited as one PHI read. `highOnly` keeps the High results.
    public func list(patientID: UUID, highOnly: Bool = false, in context: RequestContext,
                     page: PageRequest) async throws -> Page<Entry> {
        let (scope, principal, origin) = (context.scope, context.principal, context.origin)
        let (_, context) = try await patients.authorize(principal, .patientReadClinical, patientID: patientID, in: scope, origin: origin)
        // Assessments are working material of the clinicians, not shared with the patient.
        guard ClinicalAudience.of(principal, for: context) != .patientThemself else { return Page(items: [], nextCursor: nil) }
        var query = scope.query(RiskAssessment.self).filter(\.$patientID == patientID)
        if highOnly { query = query.filter(\.$high == true) }
        let rows = try await NewestFirst.page(query, page)
        let cipher = try await keyring.cipher(forPatient: patientID, tenantID: scope.tenantID, on: scope.db)
        let entries = try rows.map {
            Entry(assessment: $0, inputs: try cipher.open($0.inputsSealed), contributions: try cipher.open($0.contributionsSealed))
        }
        try await patients.recordRead(principal, patientID: patientID, what: "risk_assessments", facilityID: context.homeFacilityID,
                                      origin: origin, on: scope.db)
        return entries
    }

    /// Each feature's push on the score, by feature name.
    public static func contributions(_ prediction: Prediction) -> [String: Double] {
        Dictionary(uniqueKeysWithValues: prediction.contributions.map { ($0.feature, $0.logOdds) })
    }

    /// JSON values as model inputs; every bad field is named in one validation error.
    static func featureValues(_ inputs: [String: JSONValue], model: ModelFile, required: Set<String>) throws -> [String: FeatureValue] {
        var values: [String: FeatureValue] = [:]
        var problems: [FieldError] = []
        for (name, value) in inputs {
            switch value {
            case .null: values[name] = .missing
            case .number(let number): values[name] = .number(number)
            case .string(let text): values[name] = .category(text)
            case .bool, .array, .object: problems.append(FieldError(field: name, reason: "must be a number"))
            }
        }
        // A field already refused for its JSON type is not reported again as missing.
        let refused = Set(problems.map(\.field))
        problems += model.validate(values, required: required.subtracting(refused)).map { FieldError(field: $0.field, reason: $0.reason) }
        guard problems.isEmpty else {
            // Feature order, as the model lists them; unknown fields last.
            let order = Dictionary(uniqueKeysWithValues: model.features.enumerated().map { ($1.name, $0) })
            throw AppError.validation(problems.sorted { (order[$0.field] ?? .max, $0.field) < (order[$1.field] ?? .max, $1.field) })
        }
        return values
    }

    private static func field(of error: PredictionError) -> String {
        switch error {
        case .unknownFeature(let name), .notANumber(let name), .nonFiniteValue(let name): name
        }
    }
}
