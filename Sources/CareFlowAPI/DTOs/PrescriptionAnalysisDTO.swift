import CareFlowCore
import Vapor

/// The answer of `POST /api/v1/patients/{id}/prescriptions/analyze`: the analysis as the issue
/// specifies it (`medications`, `interactions`, `source`), plus the stored assessment's id. A
/// value the prescription does not give is `null`, never left out.
struct PrescriptionAnalysisDTO: Content {
    struct Medication: Content {
        let name: String
        let dose: String?
        let unit: String?
        let route: String?
        let frequency: String?
        let durationDays: Int?
        let warnings: [String]

        enum CodingKeys: String, CodingKey {
            case name, dose, unit, route, frequency, warnings
            case durationDays = "duration_days"
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(name, forKey: .name)
            try c.encode(dose, forKey: .dose)
            try c.encode(unit, forKey: .unit)
            try c.encode(route, forKey: .route)
            try c.encode(frequency, forKey: .frequency)
            try c.encode(durationDays, forKey: .durationDays)
            try c.encode(warnings, forKey: .warnings)
        }
    }

    struct Interaction: Content {
        let between: [String]
        let severity: String
        let note: String
    }

    let id: UUID
    let patientID: UUID
    let medications: [Medication]
    let interactions: [Interaction]
    let source: String
    let documentID: UUID?
    let createdAt: Date?

    enum CodingKeys: String, CodingKey {
        case id, medications, interactions, source
        case patientID = "patient_id"
        case documentID = "document_id"
        case createdAt = "created_at"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(patientID, forKey: .patientID)
        try c.encode(medications, forKey: .medications)
        try c.encode(interactions, forKey: .interactions)
        try c.encode(source, forKey: .source)
        try c.encode(documentID, forKey: .documentID)
        try c.encode(createdAt, forKey: .createdAt)
    }
}

extension PrescriptionAnalysisDTO {
    init(_ stored: PrescriptionService.Stored) {
        let analysis = stored.analysis
        id = stored.assessment.id!
        patientID = stored.assessment.patientID
        medications = analysis.medications.map {
            Medication(name: $0.name, dose: $0.dose, unit: $0.unit, route: $0.route, frequency: $0.frequency,
                       durationDays: $0.durationDays, warnings: $0.warnings)
        }
        interactions = analysis.interactions.map { Interaction(between: $0.between, severity: $0.severity, note: $0.note) }
        source = analysis.source.rawValue
        documentID = stored.assessment.documentID
        createdAt = stored.assessment.createdAt
    }
}

extension PrescriptionAnalysisDTO: SchemaSample {
    static var schemaSamples: [Self] {
        [PrescriptionAnalysisDTO(id: UUID(), patientID: UUID(), medications: Medication.schemaSamples,
                                 interactions: Interaction.schemaSamples, source: "rules", documentID: UUID(), createdAt: Date())]
    }
    static var schemaNotes: [String: SchemaNote] { ["source": .values(["llm", "rules"])] }
}

extension PrescriptionAnalysisDTO.Medication: SchemaSample {
    static var schemaSamples: [Self] {
        [.init(name: "Amoxicillin", dose: "500", unit: "mg", route: "oral", frequency: "3 times a day", durationDays: 7, warnings: [])]
    }
}

extension PrescriptionAnalysisDTO.Interaction: SchemaSample {
    static var schemaSamples: [Self] {
        [.init(between: ["Warfarin", "Ibuprofen"], severity: "major", note: "Bleeding risk rises; avoid together or protect and monitor.")]
    }
    static var schemaNotes: [String: SchemaNote] { ["severity": .values(PrescriptionAnalysis.severities)] }
}
