import FluentKit
import Foundation

/// Documents of a patient (PRODUCT §7): the authorize → seal → audit steps, the listing and the
/// audience rules are `ClinicalEntryService<Documents>`'s like every clinical entry's; what is
/// a document's own is the upload (the content is checked and encrypted as it streams in, so
/// the caller is authorized before a byte is read), the download, and soft deletion (audited;
/// the encrypted blob is kept for the retention period).
public struct DocumentService: Sendable {
    let entries: ClinicalEntryService<Documents>
    let blobs: DocumentBlobStore
    /// Largest accepted file, in bytes.
    public let maxSize: Int

    public init(patients: PatientAccess, keyring: Keyring, audit: AuditLog, blobs: DocumentBlobStore, maxSize: Int) {
        self.entries = ClinicalEntryService(patients: patients, keyring: keyring, audit: audit)
        self.blobs = blobs
        self.maxSize = maxSize
    }

    /// A document's row with its file name opened.
    public typealias Entry = ClinicalEntryService<Documents>.Entry

    /// Authorizes the upload before a byte of it is read, and prepares the encrypted blob.
    public func beginUpload(patientID: UUID, in ctx: RequestContext) async throws -> DocumentUpload {
        let patient = try await entries.authorize(Documents.writeAction, patientID: patientID, in: ctx)
        let cipher = try await entries.cipher(for: ctx, patientID: patientID)
        let documentID = TimeOrderedID.make()
        let fileKey = try cipher.makeFileKey()
        let writer = try await blobs.writer(tenantID: ctx.tenantID, documentID: documentID, key: fileKey.key)
        return DocumentUpload(documentID: documentID, patientID: patientID, facilityID: patient.homeFacilityID, cipher: cipher,
                              fileKeySealed: fileKey.sealed, maxSize: maxSize, writer: writer)
    }

    /// Stores the document once its whole content has arrived.
    public func complete(_ upload: DocumentUpload, kind: ClinicalDocument.Kind, filename: String?, sharedWithPatient: Bool,
                         in ctx: RequestContext) async throws -> Entry {
        let file = try await upload.finish()
        let document = ClinicalDocument()
        document.id = upload.documentID
        document.patientID = upload.patientID
        document.kind = kind
        document.contentType = file.contentType
        document.size = file.size
        document.sha256 = file.sha256
        document.fileKeySealed = upload.fileKeySealed
        try Documents.seal(filename, into: document, with: upload.cipher)
        document.uploadedBy = ctx.principal.subjectID
        document.sharedWithPatient = sharedWithPatient
        let event = entries.writeEvent(Documents.createAction, entryID: upload.documentID, patientID: upload.patientID,
                                       details: Documents.auditDetails(of: document), facilityID: upload.facilityID, in: ctx)
        do {
            try await ctx.scope.auditedWrite(by: entries.audit, origin: ctx.origin) { scope in
                try await scope.create(document)
                return event
            }
        } catch {
            await upload.discard()
            throw error
        }
        return Entry(model: document, content: filename)
    }

    /// Metadata only, newest first. Audited as one PHI read (file names are PHI).
    public func list(patientID: UUID, in ctx: RequestContext, page: PageRequest) async throws -> Page<Entry> {
        try await entries.list(patientID: patientID, in: ctx, page: page)
    }

    /// The document and a reader of its plaintext. Audited as a PHI read of that document.
    public func content(documentID: UUID, patientID: UUID, in ctx: RequestContext) async throws -> (Entry, DocumentContent) {
        try await entries.read(documentID, patientID: patientID, in: ctx) { document, cipher in
            try await DocumentContent.open(document: document, url: blobs.url(tenantID: ctx.tenantID, documentID: documentID),
                                           key: try cipher.openFileKey(document.fileKeySealed), pool: blobs.pool)
        }
    }

    /// Soft delete: the document disappears from every answer; the row and the encrypted blob
    /// stay (medical records are retained), and the deletion is audited.
    public func delete(documentID: UUID, patientID: UUID, in ctx: RequestContext) async throws {
        let patient = try await entries.authorize(Documents.writeAction, patientID: patientID, in: ctx)
        let document = try await entries.live(documentID, patientID: patientID, in: ctx)
        let event = entries.writeEvent(Documents.deleteAction, entryID: documentID, patientID: patientID,
                                       details: ["kind": document.kind.rawValue], facilityID: patient.homeFacilityID, in: ctx)
        let deletedBy = ctx.principal.subjectID
        try await ctx.scope.auditedWrite(by: entries.audit, origin: ctx.origin) { scope in
            // Claimed in the database, so of two concurrent deletions one succeeds and one is a 404.
            guard try await RowClaim.claim(table: ClinicalDocument.schema, column: "deleted_at", id: documentID, at: Date(), on: scope.db) else {
                throw AppError.notFound(Documents.notFound)
            }
            try await scope.query(ClinicalDocument.self).filter(\.$id == documentID).set(\.$deletedBy, to: deletedBy).update()
            return event
        }
    }
}
