import CareFlowCore
import Foundation

/// `manifest.json` of a patient's data export: what the archive holds and a SHA-256 of every file.
struct PatientArchiveManifestDTO: Encodable {
    struct Actor: Encodable {
        let kind: String
        let id: UUID
        let roles: [String]
    }

    struct File: Encodable {
        let name: String
        let size: Int
        let sha256: String
    }

    let formatVersion: Int
    let generatedAt: Date
    let patientID: UUID
    let exportedBy: Actor
    let counts: [String: Int]
    let withheld: [String]
    /// Every member before the manifest, in archive order.
    let files: [File]

    enum CodingKeys: String, CodingKey {
        case counts, withheld, files
        case formatVersion = "format_version"
        case generatedAt = "generated_at"
        case patientID = "patient_id"
        case exportedBy = "exported_by"
    }
}
