import Crypto
import Foundation

/// One upload in progress. Bytes are type-checked, counted, hashed and encrypted as they
/// arrive, so memory stays bounded whatever the file size, a disallowed or oversized file is
/// refused at the first byte that proves it, and only ciphertext ever reaches the disk.
/// `append` only checks and encrypts (it can run inside a parser's callback); `flush` writes the
/// encrypted batch on the thread pool and is awaited by the reader between network reads.
/// Created by `DocumentService.beginUpload` (after the caller was authorized), completed by
/// `DocumentService.complete`; an upload that fails or is dropped leaves no file behind.
public final class DocumentUpload {
    public let documentID: UUID
    let patientID: UUID
    let facilityID: UUID?
    let cipher: FieldCipher
    let fileKeySealed: Sealed<String>
    public let maxSize: Int
    private let writer: BlobWriter
    private var inspector = ContentInspector()
    private var hasher = SHA256()

    init(documentID: UUID, patientID: UUID, facilityID: UUID?, cipher: FieldCipher, fileKeySealed: Sealed<String>, maxSize: Int,
         writer: BlobWriter) {
        self.documentID = documentID
        self.patientID = patientID
        self.facilityID = facilityID
        self.cipher = cipher
        self.fileKeySealed = fileKeySealed
        self.maxSize = maxSize
        self.writer = writer
    }

    public var byteCount: Int { inspector.byteCount }

    /// The next bytes of the file. Throws 413 beyond the size limit, 415 as soon as the content
    /// cannot be of an allowed type.
    public func append(_ bytes: some Collection<UInt8>) throws {
        if let done: Void = try bytes.withContiguousStorageIfAvailable({ try append(UnsafeRawBufferPointer($0)) }) { return done }
        try Array(bytes).withUnsafeBytes { try append($0) }
    }

    private func append(_ raw: UnsafeRawBufferPointer) throws {
        guard inspector.byteCount + raw.count <= maxSize else { throw AppError.payloadTooLarge }
        do { try inspector.feed(raw) } catch { throw Self.error(for: error) }
        hasher.update(bufferPointer: raw)
        try writer.write(raw)
    }

    /// Writes what `append` encrypted once a batch is full; call between reads of the body.
    public func flush() async throws {
        try await writer.flush()
    }

    /// Completes the blob at its final path and says what it holds.
    func finish() async throws -> (contentType: DocumentContentType, size: Int64, sha256: String) {
        let contentType: DocumentContentType
        do { contentType = try inspector.finish() } catch { throw Self.error(for: error) }
        try await writer.commit()
        return (contentType, Int64(inspector.byteCount), DocumentContent.hex(hasher.finalize()))
    }

    /// Abandons the upload (or removes the completed blob whose row could not be stored).
    public func discard() async {
        await writer.discard()
    }

    static func error(for rejection: ContentInspector.Rejection) -> AppError {
        switch rejection {
        case .empty: .invalid("file", "must not be empty")
        case .notAllowed: .unsupportedMediaType("Accepted documents: PDF, PNG, JPEG, DICOM or UTF-8 text, recognised by their content")
        }
    }
}
