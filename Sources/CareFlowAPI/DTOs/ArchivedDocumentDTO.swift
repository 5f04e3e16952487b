import CareFlowCore
import Foundation

/// A document's metadata as the API shows it, plus where its bytes are in the archive.
struct ArchivedDocumentDTO: Encodable {
    let document: DocumentDTO
    let path: String

    enum CodingKeys: String, CodingKey { case path = "archive_path" }

    func encode(to encoder: any Encoder) throws {
        try document.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(path, forKey: .path)
    }
}
