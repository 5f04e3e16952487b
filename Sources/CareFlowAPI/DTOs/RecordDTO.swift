import CareFlowCore
import Vapor

/// A medical record as the API shows it: title and body opened, nothing sealed.
struct MedicalRecordDTO: Content {
    let id: UUID
    let patientID: UUID
    let authorID: UUID
    let appointmentID: UUID?
    let kind: String
    let title: String
    let body: String
    let sharedWithPatient: Bool
    let createdAt: Date?
    let updatedAt: Date?

    enum CodingKeys: String, CodingKey {
        case id, kind, title, body
        case patientID = "patient_id"
        case authorID = "author_id"
        case appointmentID = "appointment_id"
        case sharedWithPatient = "shared_with_patient"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }
}

extension MedicalRecordDTO {
    init(_ entry: MedicalRecordService.Entry) {
        let r = entry.model
        id = r.id!
        patientID = r.patientID
        authorID = r.authorID
        appointmentID = r.appointmentID
        kind = r.kind.rawValue
        title = entry.content.title
        body = entry.content.body
        sharedWithPatient = r.sharedWithPatient
        createdAt = r.createdAt
        updatedAt = r.updatedAt
    }
}

extension MedicalRecordDTO: SchemaSample {
    static var schemaSamples: [Self] {
        [MedicalRecordDTO(id: UUID(), patientID: UUID(), authorID: UUID(), appointmentID: UUID(), kind: MedicalRecord.Kind.allCases[0].rawValue, title: "Title", body: "Body",
                          sharedWithPatient: false, createdAt: Date(), updatedAt: Date())]
    }
    static var schemaNotes: [String: SchemaNote] { ["kind": .values(of: MedicalRecord.Kind.self)] }
}
