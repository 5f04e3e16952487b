import Crypto
import Foundation

/// Document contents on disk, encrypted (CFE1, `StreamingEncryption.swift`) under each
/// document's own file key: `<root>/<tenant-id>/<document-id>.cfe`, folders 0700, files 0600.
/// Only ciphertext is ever written; a blob appears at its final path only once complete.
public struct DocumentBlobStore: Sendable {
    public let root: URL

    public init(root: String) {
        self.root = URL(fileURLWithPath: root, isDirectory: true)
    }

    public func url(tenantID: UUID, documentID: UUID) -> URL {
        root.appendingPathComponent(tenantID.uuidString.lowercased(), isDirectory: true)
            .appendingPathComponent(documentID.uuidString.lowercased() + ".cfe")
    }

    func writer(tenantID: UUID, documentID: UUID, key: SymmetricKey) throws -> BlobWriter {
        let destination = url(tenantID: tenantID, documentID: documentID)
        try FileManager.default.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        return try BlobWriter(destination: destination, key: key)
    }

    /// The size on disk of a CFE1 file holding `plaintextSize` bytes: header, then 64 KiB
    /// segments each followed by a 16-byte tag (an empty file still has one, empty, segment).
    static func ciphertextSize(ofPlaintext plaintextSize: Int64) -> Int64 {
        let segment = Int64(CFE1.segmentPlaintextCount)
        let segments = max(1, (plaintextSize + segment - 1) / segment)
        return Int64(CFE1.headerCount) + plaintextSize + segments * Int64(CFE1.tagCount)
    }
}

public enum DocumentStorageError: Error, Sendable, CustomStringConvertible {
    /// The blob of a live document is missing, or not the size its row says.
    case damaged(documentID: UUID)
    /// The blob decrypted, but not to the bytes that were uploaded.
    case checksumMismatch(documentID: UUID)

    public var description: String {
        switch self {
        case .damaged(let id): "the stored file of document \(id.uuidString.lowercased()) is missing or damaged"
        case .checksumMismatch(let id): "the stored file of document \(id.uuidString.lowercased()) does not match its checksum"
        }
    }
}

/// Writes one blob: plaintext in, CFE1 out, to a temporary file beside the final path that
/// `commit` renames into place. Dropped without `commit`, it leaves nothing behind.
final class BlobWriter {
    let destination: URL
    private let temporary: URL
    private let handle: FileHandle
    private var sealer: StreamingSealer
    private var state = State.open

    private enum State { case open, committed, discarded }

    init(destination: URL, key: SymmetricKey) throws {
        self.destination = destination
        temporary = destination.deletingLastPathComponent()
            .appendingPathComponent(".\(destination.lastPathComponent).\(UUID().uuidString.lowercased()).partial")
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: temporary.path])
        }
        handle = try FileHandle(forWritingTo: temporary)
        sealer = try StreamingSealer(key: key)
        try handle.write(contentsOf: sealer.header)
    }

    func write(_ plaintext: UnsafeRawBufferPointer) throws {
        let sealed = try sealer.seal(chunk: plaintext, isLast: false)
        if !sealed.isEmpty { try handle.write(contentsOf: sealed) }
    }

    func commit() throws {
        precondition(state == .open, "blob already committed or discarded")
        do {
            try handle.write(contentsOf: try sealer.finish())
            try handle.synchronize()
            try handle.close()
            guard rename(temporary.path, destination.path) == 0 else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: destination.path])
            }
            state = .committed
        } catch {
            discard()
            throw error
        }
    }

    /// Removes whatever was written: the partial file, or the committed blob (when the database
    /// row could not be stored after all).
    func discard() {
        switch state {
        case .open:
            try? handle.close()
            try? FileManager.default.removeItem(at: temporary)
        case .committed:
            try? FileManager.default.removeItem(at: destination)
        case .discarded:
            break
        }
        state = .discarded
    }

    deinit {
        if state == .open { discard() }
    }
}

/// A document's plaintext, read from its blob on demand. Every piece handed to the sink has
/// been authenticated; the last piece is handed over only once the whole file has authenticated
/// and its SHA-256 equals the one recorded at upload, so a truncated or altered blob never
/// reaches a client complete (with `Content-Length` set, the client sees a short body).
public struct DocumentContent: Sendable {
    public let documentID: UUID
    public let contentType: DocumentContentType
    public let size: Int64
    let url: URL
    let key: SymmetricKey
    let sha256: String

    static let readSize = CFE1.segmentCount

    /// Checks the blob is there and has the size its row implies, before any byte is sent.
    init(document: ClinicalDocument, url: URL, key: SymmetricKey) throws {
        documentID = document.id!
        contentType = document.contentType
        size = document.size
        sha256 = document.sha256
        self.url = url
        self.key = key
        let attributes = try? FileManager.default.attributesOfItem(atPath: url.path)
        guard let onDisk = (attributes?[.size] as? NSNumber)?.int64Value,
              onDisk == DocumentBlobStore.ciphertextSize(ofPlaintext: document.size)
        else { throw DocumentStorageError.damaged(documentID: documentID) }
    }

    public func stream(to sink: ([UInt8]) async throws -> Void) async throws {
        let reader = try FileHandle(forReadingFrom: url)
        defer { try? reader.close() }
        var opener = try StreamingOpener(key: key)
        var hasher = SHA256()
        while let chunk = try reader.read(upToCount: Self.readSize), !chunk.isEmpty {
            let plaintext = try opener.feed(chunk)
            if !plaintext.isEmpty {
                hasher.update(data: plaintext)
                try await sink(plaintext)
            }
        }
        let last = try opener.finish()
        hasher.update(data: last)
        guard Self.hex(hasher.finalize()) == sha256 else { throw DocumentStorageError.checksumMismatch(documentID: documentID) }
        if !last.isEmpty { try await sink(last) }
    }

    static func hex(_ digest: SHA256.Digest) -> String {
        digest.map { String(format: "%02x", $0) }.joined()
    }
}
