import Crypto
import Foundation
import NIOPosix

/// Document contents on disk, encrypted (CFE1, `StreamingEncryption.swift`) under each
/// document's own file key: `<root>/<tenant-id>/<document-id>.cfe`, folders 0700, files 0600.
/// Only ciphertext is ever written; a blob appears at its final path only once complete.
///
/// Every file system call (open, stat, read, write, fsync, rename, unlink) runs on `pool`, NIO's
/// blocking thread pool: on an event loop a slow disk would stall every connection of that loop,
/// and on the cooperative pool (two threads on a two-core machine) every request.
public struct DocumentBlobStore: Sendable {
    public let root: URL
    let pool: NIOThreadPool

    public init(root: String, pool: NIOThreadPool = .singleton) {
        self.root = URL(fileURLWithPath: root, isDirectory: true)
        self.pool = pool
    }

    public func url(tenantID: UUID, documentID: UUID) -> URL {
        root.appendingPathComponent(tenantID.lowercasedString, isDirectory: true)
            .appendingPathComponent(documentID.lowercasedString + ".cfe")
    }

    func writer(tenantID: UUID, documentID: UUID, key: SymmetricKey) async throws -> BlobWriter {
        try await BlobWriter.open(destination: url(tenantID: tenantID, documentID: documentID), key: key, pool: pool)
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
        case .damaged(let id): "the stored file of document \(id.lowercasedString) is missing or damaged"
        case .checksumMismatch(let id): "the stored file of document \(id.lowercasedString) does not match its checksum"
        }
    }
}

/// Writes one blob: plaintext in, CFE1 out, to a temporary file beside the final path that
/// `commit` renames into place. `write` only encrypts into memory; `flush` writes on the thread
/// pool once a batch is ready, so memory stays bounded (`batchSize` plus one sealed segment)
/// and the request's task never waits on the disk itself. Discarded (or dropped) without
/// `commit`, it leaves nothing behind.
final class BlobWriter {
    /// Ciphertext collected before one write on the pool: four segments, so a 20 MB upload costs
    /// ~80 thread hops rather than one per network read.
    static let batchSize = 4 * CFE1.segmentCount

    let destination: URL
    private let temporary: URL
    private let handle: FileHandle
    private let pool: NIOThreadPool
    private var sealer: StreamingSealer
    private var pending: [UInt8]
    private var state = State.open

    private enum State { case open, committed, discarded }

    private init(destination: URL, temporary: URL, handle: FileHandle, pool: NIOThreadPool, sealer: StreamingSealer) {
        self.destination = destination
        self.temporary = temporary
        self.handle = handle
        self.pool = pool
        self.sealer = sealer
        pending = sealer.header
        pending.reserveCapacity(Self.batchSize + CFE1.segmentCount)
    }

    static func open(destination: URL, key: SymmetricKey, pool: NIOThreadPool) async throws -> BlobWriter {
        let sealer = try StreamingSealer(key: key)
        let temporary = destination.deletingLastPathComponent()
            .appendingPathComponent(".\(destination.lastPathComponent).\(UUID().lowercasedString).partial")
        let handle = try await pool.runIfActive {
            try FileManager.default.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            guard FileManager.default.createFile(atPath: temporary.path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: temporary.path])
            }
            do {
                return try FileHandle(forWritingTo: temporary)
            } catch {
                unlink(temporary.path)
                throw error
            }
        }
        return BlobWriter(destination: destination, temporary: temporary, handle: handle, pool: pool, sealer: sealer)
    }

    /// Encrypts the next plaintext into the pending batch; no I/O.
    func write(_ plaintext: UnsafeRawBufferPointer) throws {
        let sealed = try sealer.seal(chunk: plaintext, isLast: false)
        if !sealed.isEmpty { pending.append(contentsOf: sealed) }
    }

    /// Writes the pending batch once it is full (`commit` writes the rest).
    func flush() async throws {
        guard pending.count >= Self.batchSize else { return }
        let bytes = pending
        pending.removeAll(keepingCapacity: true)
        let handle = self.handle
        try await pool.runIfActive { try handle.write(contentsOf: bytes) }
    }

    func commit() async throws {
        precondition(state == .open, "blob already committed or discarded")
        do {
            pending.append(contentsOf: try sealer.finish())
            let bytes = pending
            pending = []
            let (handle, temporary, destination) = (self.handle, self.temporary, self.destination)
            try await pool.runIfActive {
                try handle.write(contentsOf: bytes)
                try handle.synchronize()
                try handle.close()
                guard rename(temporary.path, destination.path) == 0 else {
                    throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: destination.path])
                }
            }
            state = .committed
        } catch {
            await discard()
            throw error
        }
    }

    /// Removes whatever was written: the partial file, or the committed blob (when the database
    /// row could not be stored after all).
    func discard() async {
        let previous = state
        state = .discarded
        let (handle, temporary, destination) = (self.handle, self.temporary, self.destination)
        let removal: @Sendable () -> Void
        switch previous {
        case .open:
            removal = {
                try? handle.close()
                unlink(temporary.path)
            }
        case .committed:
            removal = { unlink(destination.path) }
        case .discarded:
            return
        }
        // The pool refuses work only once it is shut down; the files must go all the same.
        do { try await pool.runIfActive(removal) } catch { removal() }
    }

    deinit {
        // Reached only if an upload was dropped without `discard` (a bug, not a request path):
        // the partial file goes synchronously, as there is nothing left to await on.
        if state == .open {
            try? handle.close()
            unlink(temporary.path)
        }
    }
}

/// A document's plaintext, read from its blob on demand. Every piece handed to the sink has
/// been authenticated; the last piece is handed over only once the whole file has authenticated
/// and its SHA-256 equals the one recorded at upload, so a truncated or altered blob never
/// reaches a client complete (with `Content-Length` set, the client sees a short body).
/// Reads run on the thread pool, a few segments at a time; memory stays bounded whatever the size.
public struct DocumentContent: Sendable {
    public let documentID: UUID
    public let contentType: DocumentContentType
    public let size: Int64
    let url: URL
    let key: SymmetricKey
    let sha256: String
    let pool: NIOThreadPool

    /// Ciphertext read per thread hop: four whole segments (256 KiB of plaintext).
    static let readSize = 4 * CFE1.segmentCount

    /// Checks the blob is there and has the size its row implies, before any byte is sent.
    static func open(document: ClinicalDocument, url: URL, key: SymmetricKey, pool: NIOThreadPool) async throws -> DocumentContent {
        let documentID = try document.requireID()
        let onDisk = try? await pool.runIfActive { () -> Int64? in
            var info = stat()
            return stat(url.path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG ? Int64(info.st_size) : nil
        }
        guard let onDisk, onDisk == DocumentBlobStore.ciphertextSize(ofPlaintext: document.size) else {
            throw DocumentStorageError.damaged(documentID: documentID)
        }
        return DocumentContent(documentID: documentID, contentType: document.contentType, size: document.size, url: url, key: key,
                               sha256: document.sha256, pool: pool)
    }

    public func stream(to sink: ([UInt8]) async throws -> Void) async throws {
        let url = self.url
        let reader = try await pool.runIfActive { try FileHandle(forReadingFrom: url) }
        do {
            try await stream(from: reader, to: sink)
        } catch {
            try? await pool.runIfActive { try reader.close() }
            throw error
        }
        try? await pool.runIfActive { try reader.close() }
    }

    private func stream(from reader: FileHandle, to sink: ([UInt8]) async throws -> Void) async throws {
        var opener = try StreamingOpener(key: key)
        var hasher = SHA256()
        let readSize = Self.readSize
        while let chunk = try await pool.runIfActive({ try reader.read(upToCount: readSize) }), !chunk.isEmpty {
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
