import FluentKit
import Foundation

/// Documents of a patient (PRODUCT §7): uploaded by those allowed `patient.update_clinical`,
/// listed and downloaded by those allowed `patient.read_clinical` (every read an audited PHI
/// read), deleted softly (audited; the encrypted blob is kept for the retention period).
public struct DocumentService: Sendable {
    let patients: PatientAccess
    let keyring: Keyring
    let audit: AuditLog
    let blobs: DocumentBlobStore
    /// Largest accepted file, in bytes.
    public let maxSize: Int

    public init(patients: PatientAccess, keyring: Keyring, audit: AuditLog, blobs: DocumentBlobStore, maxSize: Int) {
        self.patients = patients
        self.keyring = keyring
        self.audit = audit
        self.blobs = blobs
        self.maxSize = maxSize
    }

    /// A document's row with its file name opened.
    public struct Entry: Sendable {
        public let document: ClinicalDocument
        public let filename: String?
    }

    /// Authorizes the upload before a byte of it is read, and prepares the encrypted blob.
    public func beginUpload(patientID: UUID, in scope: TenantScope, by principal: Principal,
                            origin: RequestOrigin) async throws -> DocumentUpload {
        let (_, context) = try await patients.authorize(principal, .patientUpdateClinical, patientID: patientID, in: scope, origin: origin)
        let cipher = try await keyring.cipher(forTenant: scope.tenantID, on: scope.db)
        let documentID = TimeOrderedID.make()
        let fileKey = try cipher.makeFileKey()
        let writer = try await blobs.writer(tenantID: scope.tenantID, documentID: documentID, key: fileKey.key)
        return DocumentUpload(documentID: documentID, patientID: patientID, facilityID: context.homeFacilityID, cipher: cipher,
                              fileKeySealed: fileKey.sealed, maxSize: maxSize, writer: writer)
    }

    /// Stores the document once its whole content has arrived.
    public func complete(_ upload: DocumentUpload, kind: ClinicalDocument.Kind, filename: String?, sharedWithPatient: Bool,
                         in scope: TenantScope, by principal: Principal, origin: RequestOrigin) async throws -> Entry {
        let file = try await upload.finish()
        let document = ClinicalDocument()
        document.id = upload.documentID
        document.patientID = upload.patientID
        document.kind = kind
        document.contentType = file.contentType
        document.size = file.size
        document.sha256 = file.sha256
        document.fileKeySealed = upload.fileKeySealed
        document.filenameSealed = try filename.map { try upload.cipher.seal($0) }
        document.uploadedBy = principal.subjectID
        document.sharedWithPatient = sharedWithPatient
        do {
            try await scope.create(document)
        } catch {
            await upload.discard()
            throw error
        }
        try await audit.append(
            AuditRecord(tenantID: scope.tenantID, facilityID: upload.facilityID, actor: principal.auditActor, action: "document.upload",
                        targetType: "document", targetID: upload.documentID.uuidString.lowercased(),
                        details: ["patient_id": upload.patientID.uuidString.lowercased(), "kind": kind.rawValue,
                                  "content_type": file.contentType.rawValue, "size": String(file.size)]),
            origin: origin, on: scope.db)
        return Entry(document: document, filename: filename)
    }

    /// Metadata only, newest first. Audited as one PHI read (file names are PHI).
    public func list(patientID: UUID, in scope: TenantScope, by principal: Principal, origin: RequestOrigin,
                     page: PageRequest) async throws -> Page<Entry> {
        let (_, context) = try await patients.authorize(principal, .patientReadClinical, patientID: patientID, in: scope, origin: origin)
        var query = scope.query(ClinicalDocument.self).filter(\.$patientID == patientID).filter(\.$deletedAt == nil)
        if ClinicalAudience.of(principal, for: context) == .patientThemself { query = query.filter(\.$sharedWithPatient == true) }
        let rows = try await NewestFirst.page(query, page)
        let cipher = try await keyring.cipher(forTenant: scope.tenantID, on: scope.db)
        let entries = try rows.map { Entry(document: $0, filename: try cipher.open($0.filenameSealed)) }
        try await patients.recordRead(principal, patientID: patientID, what: "documents", facilityID: context.homeFacilityID,
                                      origin: origin, on: scope.db)
        return entries
    }

    /// The document and a reader of its plaintext. Audited as a PHI read of that document.
    public func content(documentID: UUID, patientID: UUID, in scope: TenantScope, by principal: Principal,
                        origin: RequestOrigin) async throws -> (Entry, DocumentContent) {
        let (_, context) = try await patients.authorize(principal, .patientReadClinical, patientID: patientID, in: scope, origin: origin)
        let document = try await live(documentID, patientID: patientID, in: scope)
        guard ClinicalAudience.of(principal, for: context).sees(sharedWithPatient: document.sharedWithPatient) else {
            throw AppError.notFound("Document not found")
        }
        let cipher = try await keyring.cipher(forTenant: scope.tenantID, on: scope.db)
        let content = try await DocumentContent.open(document: document, url: blobs.url(tenantID: scope.tenantID, documentID: documentID),
                                                     key: try cipher.openFileKey(document.fileKeySealed), pool: blobs.pool)
        try await patients.recordRead(principal, patientID: patientID, what: "document:\(documentID.uuidString.lowercased())",
                                      facilityID: context.homeFacilityID, origin: origin, on: scope.db)
        return (Entry(document: document, filename: try cipher.open(document.filenameSealed)), content)
    }

    /// Soft delete: the document disappears from every answer; the row and the encrypted blob
    /// stay (medical records are retained), and the deletion is audited.
    public func delete(documentID: UUID, patientID: UUID, in scope: TenantScope, by principal: Principal,
                       origin: RequestOrigin) async throws {
        let (_, context) = try await patients.authorize(principal, .patientUpdateClinical, patientID: patientID, in: scope, origin: origin)
        let document = try await live(documentID, patientID: patientID, in: scope)
        // Claimed in the database, so of two concurrent deletions one succeeds and one is a 404.
        guard try await RowClaim.claim(table: ClinicalDocument.schema, column: "deleted_at", id: documentID, at: Date(), on: scope.db) else {
            throw AppError.notFound("Document not found")
        }
        try await scope.query(ClinicalDocument.self).filter(\.$id == documentID).set(\.$deletedBy, to: principal.subjectID).update()
        try await audit.append(
            AuditRecord(tenantID: scope.tenantID, facilityID: context.homeFacilityID, actor: principal.auditActor, action: "document.delete",
                        targetType: "document", targetID: documentID.uuidString.lowercased(),
                        details: ["patient_id": patientID.uuidString.lowercased(), "kind": document.kind.rawValue]),
            origin: origin, on: scope.db)
    }

    private func live(_ documentID: UUID, patientID: UUID, in scope: TenantScope) async throws -> ClinicalDocument {
        guard let document = try await scope.find(ClinicalDocument.self, documentID), document.patientID == patientID,
              document.deletedAt == nil
        else { throw AppError.notFound("Document not found") }
        return document
    }
}
