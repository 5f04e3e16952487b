import CareFlowCore
import Vapor

/// The answer to an erasure: what was shredded (counts only, never content).
struct PatientErasureDTO: Content {
    let patientID: UUID
    let erasedAt: Date
    let valuesShredded: Int
    let documentsDeleted: Int

    enum CodingKeys: String, CodingKey {
        case patientID = "patient_id"
        case erasedAt = "erased_at"
        case valuesShredded = "values_shredded"
        case documentsDeleted = "documents_deleted"
    }
}

extension PatientErasureDTO {
    init(_ o: PatientErasureService.Outcome) {
        (patientID, erasedAt, valuesShredded, documentsDeleted) = (o.patientID, o.erasedAt, o.valuesShredded, o.documentsDeleted)
    }
}

extension PatientErasureDTO: SchemaSample {
    static var schemaSamples: [Self] {
        [PatientErasureDTO(patientID: UUID(), erasedAt: Date(), valuesShredded: 14, documentsDeleted: 2)]
    }
}
