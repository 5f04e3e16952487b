import CareFlowCore
import Crypto
import Foundation

/// A patient's data export as a ZIP (issue 16): one JSON file per section, in the same shapes
/// as the API's own responses (the DTOs), the documents' original bytes under `documents/`, and
/// last `manifest.json` with the counts and every member's size and SHA-256. Sections the caller
/// may not read have no file and are named in the manifest's `withheld`. Documents are opened
/// and streamed one at a time; only the JSON files and one document piece are ever in memory.
struct PatientArchive: Sendable {
    let export: PatientDataExport

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder.custom(dates: .iso8601)
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    var filename: String { "patient-\(export.patientID.lowercasedString)-export.zip" }

    /// Writes the whole archive through `sink`.
    func write(to sink: @escaping ([UInt8]) async throws -> Void) async throws {
        let archive = ZipStreamWriter(modified: export.generatedAt, sink: sink)
        var files: [PatientArchiveManifestDTO.File] = []
        func add(_ name: String, _ value: some Encodable) async throws {
            let bytes = Array(try Self.encoder.encode(value))
            try await archive.add(name, bytes: bytes)
            files.append(PatientArchiveManifestDTO.File(name: name, size: bytes.count, sha256: Self.hex(SHA256.hash(data: bytes))))
        }

        try await add("patient.json", PatientDTO(export.patient))
        if let records = export.records { try await add("records.json", records.map(MedicalRecordDTO.init)) }
        if let notes = export.notes { try await add("notes.json", notes.map(VisitNoteDTO.init)) }
        let documentPaths = export.documents.map { documents in
            documents.map { "documents/" + Self.archiveName(id: $0.model.id ?? UUID(), filename: $0.content) }
        } ?? []
        if let documents = export.documents {
            try await add("documents.json", zip(documents, documentPaths).map { ArchivedDocumentDTO(document: DocumentDTO($0), path: $1) })
        }
        try await add("appointments.json", export.appointments.map(AppointmentDTO.init))
        let refunds = Dictionary(grouping: export.refunds, by: \.invoiceID)
        try await add("invoices.json", export.invoices.map { ArchivedInvoiceDTO($0, refunds: refunds[$0.invoice.id ?? UUID()] ?? []) })
        try await add("claims.json", export.claims.map(ClaimDTO.init))
        try await add("admissions.json", export.admissions.map(AdmissionDTO.init))
        if let steps = export.careSteps { try await add("care_steps.json", steps.map(CareStepDTO.init)) }
        if let prescriptions = export.prescriptions { try await add("prescriptions.json", prescriptions.map(PrescriptionAnalysisDTO.init)) }
        if let predictions = export.predictions { try await add("predictions.json", predictions.map(RiskAssessmentDTO.init)) }
        try await add("audit.json", export.auditEvents.map(ArchivedAuditEventDTO.init))

        for (content, path) in zip(export.documentContents, documentPaths) {
            var hasher = SHA256()
            let written = try await archive.addStreamed(path) { write in
                try await content.stream { piece in
                    hasher.update(data: piece)
                    try await write(piece)
                }
            }
            files.append(PatientArchiveManifestDTO.File(name: path, size: Int(written.size), sha256: Self.hex(hasher.finalize())))
        }

        let manifest = PatientArchiveManifestDTO(
            formatVersion: PatientDataExport.formatVersion, generatedAt: export.generatedAt, patientID: export.patientID,
            exportedBy: .init(kind: export.exportedBy.kind.rawValue, id: export.exportedBy.subjectID,
                              roles: Set(export.exportedBy.grants.map(\.role.rawValue)).sorted()),
            counts: export.counts, withheld: export.withheld.map(\.rawValue), files: files)
        try await archive.add("manifest.json", bytes: Array(try Self.encoder.encode(manifest)))
        try await archive.finish()
    }

    /// `<id>-<file name>` with the name reduced to letters, digits, `.`, `-` and `_` (anything
    /// else becomes `_`), without leading dots and at most 80 characters: the name comes from
    /// whoever uploaded the file and must not steer where an unzip writes.
    static func archiveName(id: UUID, filename: String?) -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
        var safe = String((filename ?? "").map { allowed.contains($0) ? $0 : "_" }.prefix(80))
        while safe.hasPrefix(".") { safe.removeFirst() }
        return id.lowercasedString + "-" + (safe.isEmpty ? "document" : safe)
    }

    static func hex(_ digest: some Sequence<UInt8>) -> String {
        digest.map { String(format: "%02x", $0) }.joined()
    }
}
