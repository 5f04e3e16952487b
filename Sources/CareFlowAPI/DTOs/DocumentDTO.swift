import CareFlowCore
import Vapor

/// A document's metadata (the content is at `…/documents/{id}/content`); the file key never
/// leaves the core.
struct DocumentDTO: Content {
    let id: UUID
    let patientID: UUID
    let kind: String
    let contentType: String
    let size: Int64
    let sha256: String
    let filename: String?
    let uploadedBy: UUID
    let sharedWithPatient: Bool
    let createdAt: Date?

    init(_ entry: DocumentService.Entry) {
        let d = entry.model
        id = d.id!
        patientID = d.patientID
        kind = d.kind.rawValue
        contentType = d.contentType.rawValue
        size = d.size
        sha256 = d.sha256
        filename = entry.content
        uploadedBy = d.uploadedBy
        sharedWithPatient = d.sharedWithPatient
        createdAt = d.createdAt
    }

    enum CodingKeys: String, CodingKey {
        case id, kind, size, sha256, filename
        case patientID = "patient_id"
        case contentType = "content_type"
        case uploadedBy = "uploaded_by"
        case sharedWithPatient = "shared_with_patient"
        case createdAt = "created_at"
    }
}
