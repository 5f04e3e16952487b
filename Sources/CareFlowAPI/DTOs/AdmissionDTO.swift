import CareFlowCore
import Vapor

/// An admission. `reason` and `summary` are present only for callers who may read the
/// patient's clinical content; for everyone else both keys are absent.
struct AdmissionDTO: Content {
    let id: UUID
    let patientID: UUID
    let facilityID: UUID
    let wardID: UUID
    let bed: Int
    let status: String
    let admittedAt: Date
    let dischargedAt: Date?
    let disposition: String?
    let showsClinical: Bool
    let reason: String?
    let summary: String?
    let admittedBy: UUID?
    let dischargedBy: UUID?
    let createdAt: Date?
    let updatedAt: Date?

    enum CodingKeys: String, CodingKey {
        case id, bed, status, disposition, reason, summary
        case patientID = "patient_id"
        case facilityID = "facility_id"
        case wardID = "ward_id"
        case admittedAt = "admitted_at"
        case dischargedAt = "discharged_at"
        case admittedBy = "admitted_by"
        case dischargedBy = "discharged_by"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(patientID, forKey: .patientID)
        try c.encode(facilityID, forKey: .facilityID)
        try c.encode(wardID, forKey: .wardID)
        try c.encode(bed, forKey: .bed)
        try c.encode(status, forKey: .status)
        try c.encode(admittedAt, forKey: .admittedAt)
        try c.encode(dischargedAt, forKey: .dischargedAt)
        try c.encode(disposition, forKey: .disposition)
        if showsClinical {
            try c.encode(reason, forKey: .reason)
            try c.encode(summary, forKey: .summary)
        }
        try c.encode(admittedBy, forKey: .admittedBy)
        try c.encode(dischargedBy, forKey: .dischargedBy)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(updatedAt, forKey: .updatedAt)
    }
}

extension AdmissionDTO {
    init(_ v: VisibleAdmission) {
        let a = v.admission
        id = a.id!
        patientID = a.patientID
        facilityID = a.facilityID
        wardID = a.wardID
        bed = a.bed
        status = a.status.rawValue
        admittedAt = a.admittedAt
        dischargedAt = a.dischargedAt
        disposition = a.disposition
        showsClinical = v.showsClinical
        reason = v.reason
        summary = v.summary
        admittedBy = a.admittedBy
        dischargedBy = a.dischargedBy
        createdAt = a.createdAt
        updatedAt = a.updatedAt
    }

    init(from decoder: any Decoder) throws {
        throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "AdmissionDTO is a response body only"))
    }
}

extension AdmissionDTO: SchemaSample {
    /// With and without the clinical fields: their keys are absent for callers who may not read them.
    static var schemaSamples: [Self] {
        [true, false].map { shows in
            AdmissionDTO(id: UUID(), patientID: UUID(), facilityID: UUID(), wardID: UUID(), bed: 3, status: Admission.Status.discharged.rawValue,
                         admittedAt: Date(), dischargedAt: Date(), disposition: Disposition.home.rawValue, showsClinical: shows,
                         reason: "Community-acquired pneumonia", summary: "Recovered on oral antibiotics", admittedBy: UUID(),
                         dischargedBy: UUID(), createdAt: Date(), updatedAt: Date())
        }
    }
    static var schemaNotes: [String: SchemaNote] {
        ["status": .values(of: Admission.Status.self), "disposition": .values(of: Disposition.self)]
    }
}
