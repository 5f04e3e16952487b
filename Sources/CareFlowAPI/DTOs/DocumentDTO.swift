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

    enum CodingKeys: String, CodingKey {
        case id, kind, size, sha256, filename
        case patientID = "patient_id"
        case contentType = "content_type"
        case uploadedBy = "uploaded_by"
        case sharedWithPatient = "shared_with_patient"
        case createdAt = "created_at"
    }
}

extension DocumentDTO {
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
}

extension DocumentDTO: SchemaSample {
    static var schemaSamples: [Self] {
        [DocumentDTO(id: UUID(), patientID: UUID(), kind: ClinicalDocument.Kind.allCases[0].rawValue, contentType: DocumentContentType.allCases[0].rawValue, size: 1, sha256: "hex",
                     filename: "report.pdf", uploadedBy: UUID(), sharedWithPatient: false, createdAt: Date())]
    }
    static var schemaNotes: [String: SchemaNote] {
        ["kind": .values(of: ClinicalDocument.Kind.self), "content_type": .values(of: DocumentContentType.self)]
    }
}
