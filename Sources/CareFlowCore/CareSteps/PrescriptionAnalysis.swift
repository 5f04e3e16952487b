import Foundation

/// The answer of `POST /api/v1/patients/{id}/prescriptions/analyze` (issue 13): each medicine
/// with its dose and dosing, warnings, interactions between them, and who produced it.
public struct PrescriptionAnalysis: Sendable, Equatable, Codable {
    public struct Medication: Sendable, Equatable, Codable {
        public var name: String
        public var dose: String?
        public var unit: String?
        public var route: String?
        public var frequency: String?
        public var durationDays: Int?
        public var warnings: [String]

        enum CodingKeys: String, CodingKey {
            case name, dose, unit, route, frequency, warnings
            case durationDays = "duration_days"
        }
    }

    public struct Interaction: Sendable, Equatable, Codable {
        public var between: [String]
        public var severity: String
        public var note: String
    }

    public enum Source: String, Sendable, Codable { case llm, rules }

    public var medications: [Medication]
    public var interactions: [Interaction]
    public var source: Source
}
