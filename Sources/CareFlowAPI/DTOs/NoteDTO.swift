import CareFlowCore
import Vapor

/// A visit note as the API shows it: the body opened, nothing sealed.
struct VisitNoteDTO: Content {
    let id: UUID
    let patientID: UUID
    let authorID: UUID
    let appointmentID: UUID?
    let body: String
    let sharedWithPatient: Bool
    let createdAt: Date?
    let updatedAt: Date?

    enum CodingKeys: String, CodingKey {
        case id, body
        case patientID = "patient_id"
        case authorID = "author_id"
        case appointmentID = "appointment_id"
        case sharedWithPatient = "shared_with_patient"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }
}

extension VisitNoteDTO {
    init(_ entry: VisitNoteService.Entry) {
        let n = entry.model
        id = n.id!
        patientID = n.patientID
        authorID = n.authorID
        appointmentID = n.appointmentID
        body = entry.content
        sharedWithPatient = n.sharedWithPatient
        createdAt = n.createdAt
        updatedAt = n.updatedAt
    }
}

extension VisitNoteDTO: SchemaSample {
    static var schemaSamples: [Self] {
        [VisitNoteDTO(id: UUID(), patientID: UUID(), authorID: UUID(), appointmentID: UUID(), body: "Note", sharedWithPatient: false,
                      createdAt: Date(), updatedAt: Date())]
    }
}
