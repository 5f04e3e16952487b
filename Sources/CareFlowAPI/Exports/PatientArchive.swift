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
        var files: [ManifestDTO.File] = []
        func add(_ name: String, _ value: some Encodable) async throws {
            let bytes = Array(try Self.encoder.encode(value))
            try await archive.add(name, bytes: bytes)
            files.append(ManifestDTO.File(name: name, size: bytes.count, sha256: Self.hex(SHA256.hash(data: bytes))))
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
            files.append(ManifestDTO.File(name: path, size: Int(written.size), sha256: Self.hex(hasher.finalize())))
        }

        let manifest = ManifestDTO(
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

/// `manifest.json`.
struct ManifestDTO: Encodable {
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

/// An invoice as the API shows it, with how it was paid and what was refunded.
struct ArchivedInvoiceDTO: Encodable {
    struct Payment: Encodable {
        let provider: String?
        let providerPaymentID: String?
        let amountPaid: Int
        let paidAt: Date?

        enum CodingKeys: String, CodingKey {
            case provider
            case providerPaymentID = "provider_payment_id"
            case amountPaid = "amount_paid"
            case paidAt = "paid_at"
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(provider, forKey: .provider)
            try c.encode(providerPaymentID, forKey: .providerPaymentID)
            try c.encode(amountPaid, forKey: .amountPaid)
            try c.encode(paidAt, forKey: .paidAt)
        }
    }

    struct Refund: Encodable {
        let id: UUID?
        let amount: Int
        let currency: String
        let status: String
        let providerRefundID: String?
        let refundedAt: Date

        enum CodingKeys: String, CodingKey {
            case id, amount, currency, status
            case providerRefundID = "provider_refund_id"
            case refundedAt = "refunded_at"
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(id, forKey: .id)
            try c.encode(amount, forKey: .amount)
            try c.encode(currency, forKey: .currency)
            try c.encode(status, forKey: .status)
            try c.encode(providerRefundID, forKey: .providerRefundID)
            try c.encode(refundedAt, forKey: .refundedAt)
        }
    }

    let invoice: InvoiceDTO
    let payment: Payment
    let refunds: [Refund]

    enum CodingKeys: String, CodingKey { case payment, refunds }

    init(_ view: InvoiceService.View, refunds: [InvoiceRefund]) {
        invoice = InvoiceDTO(view)
        let i = view.invoice
        payment = Payment(provider: i.paymentProvider, providerPaymentID: i.providerPaymentID, amountPaid: i.amountPaid, paidAt: i.paidAt)
        self.refunds = refunds.map {
            Refund(id: $0.id, amount: $0.amount, currency: $0.currency, status: $0.status, providerRefundID: $0.providerRefundID,
                   refundedAt: $0.refundedAt)
        }
    }

    func encode(to encoder: any Encoder) throws {
        try invoice.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(payment, forKey: .payment)
        try c.encode(refunds, forKey: .refunds)
    }
}

/// An audit event about the patient. The client IP and the chain hashes are left out: the IP
/// is the staff member's, not the patient's, and the hashes only mean something with the
/// whole chain (the tenant verifies that, `careflow audit verify`).
struct ArchivedAuditEventDTO: Encodable {
    let seq: Int
    let occurredAt: Date
    let actorKind: String
    let actorID: UUID?
    let action: String
    let outcome: String
    let targetType: String?
    let targetID: String?
    let details: [String: String]

    enum CodingKeys: String, CodingKey {
        case seq, action, outcome, details
        case occurredAt = "occurred_at"
        case actorKind = "actor_kind"
        case actorID = "actor_id"
        case targetType = "target_type"
        case targetID = "target_id"
    }

    init(_ e: AuditEvent) {
        let full = AuditEventDTO(e)
        seq = full.seq
        occurredAt = full.occurredAt
        actorKind = full.actorKind
        actorID = full.actorID
        action = full.action
        outcome = full.outcome
        targetType = full.targetType
        targetID = full.targetID
        details = full.details
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(seq, forKey: .seq)
        try c.encode(occurredAt, forKey: .occurredAt)
        try c.encode(actorKind, forKey: .actorKind)
        try c.encode(actorID, forKey: .actorID)
        try c.encode(action, forKey: .action)
        try c.encode(outcome, forKey: .outcome)
        try c.encode(targetType, forKey: .targetType)
        try c.encode(targetID, forKey: .targetID)
        try c.encode(details, forKey: .details)
    }
}
