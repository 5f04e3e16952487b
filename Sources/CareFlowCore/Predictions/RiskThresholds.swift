/// Where a model's probability turns from Low to Moderate and from Moderate to High. Defaults per
/// model below; a tenant overrides them with `risk_thresholds` in its tenant file.
public struct RiskThresholds: Sendable, Equatable, Codable {
    /// Probability from which the risk is Moderate.
    public var moderate: Double
    /// Probability from which the risk is High.
    public var high: Double

    public init(moderate: Double, high: Double) {
        self.moderate = moderate
        self.high = high
    }

    public func level(of probability: Double) -> RiskLevel {
        probability >= high ? .high : probability >= moderate ? .moderate : .low
    }

    /// The documented defaults (README "Predictive models"). 10-year CHD uses the classic
    /// ATP III cut-offs (10 % / 20 %); the others sit around and above each dataset's base rate
    /// (Pima 35 %, Cleveland 46 %, Diabetes-130 11 %).
    public static func defaults(for model: String) -> RiskThresholds {
        switch model {
        case "health-risk", "cardiac-risk": RiskThresholds(moderate: 0.10, high: 0.20)
        case "diabetes": RiskThresholds(moderate: 0.30, high: 0.60)
        case "heart-disease": RiskThresholds(moderate: 0.30, high: 0.60)
        case "readmission-30d": RiskThresholds(moderate: 0.15, high: 0.30)
        default: RiskThresholds(moderate: 0.20, high: 0.50)
        }
    }

    /// Why these thresholds are unusable, or nil: both in (0, 1), moderate below high.
    public var problem: String? {
        guard moderate > 0, moderate < 1, high > 0, high < 1 else { return "thresholds must be between 0 and 1 (exclusive)" }
        guard moderate < high else { return "moderate must be below high" }
        return nil
    }
}

public enum RiskLevel: String, Sendable, Codable, CaseIterable {
    case low, moderate, high

    /// As the seed contract spells it: `Low`, `Moderate`, `High`.
    public var title: String { rawValue.prefix(1).uppercased() + rawValue.dropFirst() }
}

/// The recommended action per model and level (documented in the README).
public enum RecommendedAction {
    public static func `for`(model: String, level: RiskLevel) -> String {
        switch (model, level) {
        case ("health-risk", .high), ("cardiac-risk", .high): "Schedule cardiac evaluation."
        case ("health-risk", .moderate), ("cardiac-risk", .moderate):
            "Lifestyle counselling; recheck blood pressure and lipids within 3 months."
        case ("health-risk", .low), ("cardiac-risk", .low): "Routine follow-up; reassess cardiovascular risk yearly."
        case ("diabetes", .high): "Order HbA1c or an oral glucose tolerance test to confirm diabetes."
        case ("diabetes", .moderate): "Lifestyle counselling; repeat fasting glucose within 6 months."
        case ("diabetes", .low): "Routine diabetes screening."
        case ("heart-disease", .high): "Refer to cardiology for evaluation."
        case ("heart-disease", .moderate): "Consider stress testing and cardiology review."
        case ("heart-disease", .low): "Routine follow-up."
        case ("readmission-30d", .high): "Arrange follow-up within 7 days of discharge and medication reconciliation."
        case ("readmission-30d", .moderate): "Schedule a follow-up call within 14 days of discharge."
        case ("readmission-30d", .low): "Standard discharge instructions."
        case (_, .high): "Clinical review recommended."
        case (_, .moderate): "Monitor and reassess."
        case (_, .low): "Routine follow-up."
        }
    }
}
