// CFE1: authenticated streaming encryption for uploaded documents at rest (PRODUCT.md §3:
// "uploaded documents are encrypted at rest with the tenant's key"). Memory stays bounded to one
// segment whatever the file size.
//
// Format, version 1 (all integers big-endian):
//
//   header (28 bytes)
//     0   4  magic "CFE1"
//     4   1  version 0x01
//     5  16  salt, random per file
//    21   7  nonce prefix, random per file
//   segments 0 … n (n ≥ 0), each = AES-256-GCM ciphertext ‖ 16-byte tag
//     plaintext: exactly 65 536 bytes in every segment but the last; 0 … 65 536 in the last
//     (so a non-final segment is exactly 65 552 bytes on disk; an empty file is header + 16 bytes)
//     key    K = HKDF-SHA256(ikm: the 32-byte key, salt: salt, info: "CareFlow CFE1 v1 file key", 32 bytes)
//     nonce  prefix (7) ‖ segment index (UInt32) ‖ 0x01 for the last segment, 0x00 otherwise
//     AAD    the 28-byte header
//
// This is the STREAM construction (Hoang, Reyhanitabar, Rogaway, Vizár 2015) as in Tink's
// AES-GCM-HKDF streaming AEAD: the index in the nonce detects reordering, dropping or duplicating
// segments; the last-segment flag detects truncation at a segment boundary and appended data; the
// per-file salt (hence per-file key) and nonce prefix make segments of one file meaningless in
// another; the header is authenticated by every segment. A reader must treat output as untrusted
// until `finish()` returns: `StreamingEncryptor.decrypt` writes to a temporary file and moves it
// into place only once the whole file has authenticated.

import Crypto
import Foundation

public enum StreamingEncryptionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The key is not 32 bytes.
    case invalidKey
    /// Not a CFE1 stream (bad magic) or an unknown version.
    case invalidHeader
    /// A segment failed authentication: tampered, reordered, from another file, wrong key, or data
    /// appended after the last segment.
    case authenticationFailed
    /// The stream ended before its last segment.
    case truncated
    /// `seal`/`feed` called after the stream was finished, or after an earlier failure.
    case streamClosed
    /// More than 2³² segments (256 TiB).
    case tooLarge

    public var description: String {
        switch self {
        case .invalidKey: "file encryption key must be 32 bytes"
        case .invalidHeader: "not a CareFlow encrypted file (CFE1), or an unsupported version"
        case .authenticationFailed: "encrypted file failed authentication (tampered, wrong key, or corrupt)"
        case .truncated: "encrypted file is truncated"
        case .streamClosed: "encryption stream already finished or failed"
        case .tooLarge: "file too large for CFE1 (2^32 segments)"
        }
    }
}

enum CFE1 {
    static let magic: [UInt8] = Array("CFE1".utf8)
    static let version: UInt8 = 1
    static let saltCount = 16
    static let prefixCount = 7
    static let headerCount = 4 + 1 + saltCount + prefixCount  // 28
    static let segmentPlaintextCount = 64 * 1024
    static let tagCount = 16
    static let segmentCount = segmentPlaintextCount + tagCount  // 65 552
    static let info: [UInt8] = Array("CareFlow CFE1 v1 file key".utf8)

    static func deriveKey(_ key: SymmetricKey, salt: some DataProtocol) throws(StreamingEncryptionError) -> SymmetricKey {
        guard key.bitCount == 256 else { throw .invalidKey }
        return HKDF<SHA256>.deriveKey(inputKeyMaterial: key, salt: salt, info: info, outputByteCount: 32)
    }

    static func nonce(prefix: ArraySlice<UInt8>, index: UInt64, isLast: Bool) throws(StreamingEncryptionError) -> AES.GCM.Nonce {
        guard index <= UInt64(UInt32.max) else { throw .tooLarge }
        var bytes = [UInt8](prefix)
        let counter = UInt32(index)
        bytes.append(contentsOf: [UInt8(counter >> 24), UInt8(counter >> 16 & 0xFF), UInt8(counter >> 8 & 0xFF), UInt8(counter & 0xFF)])
        bytes.append(isLast ? 1 : 0)
        do { return try AES.GCM.Nonce(data: bytes) } catch { preconditionFailure("12-byte nonce rejected: \(error)") }
    }
}

/// Incremental encryption: write `header` first, then everything `seal` returns, in order.
/// Accepts input in pieces of any size; buffers at most one 64 KiB segment.
public struct StreamingSealer: Sendable {
    /// The 28-byte CFE1 header; must precede the sealed segments.
    public let header: [UInt8]
    private let key: SymmetricKey
    private var index: UInt64 = 0
    private var buffer: [UInt8] = []
    private var closed = false

    /// `key`: 32 bytes of key material (the per-file key is derived from it with HKDF).
    public init(key: SymmetricKey) throws(StreamingEncryptionError) {
        var random = [UInt8](repeating: 0, count: CFE1.saltCount + CFE1.prefixCount)
        var generator = SystemRandomNumberGenerator()
        for i in random.indices { random[i] = UInt8.random(in: .min ... .max, using: &generator) }
        header = CFE1.magic + [CFE1.version] + random
        self.key = try CFE1.deriveKey(key, salt: random[0..<CFE1.saltCount])
        buffer.reserveCapacity(CFE1.segmentPlaintextCount)
    }

    /// Uses the tenant's Fernet key (all 32 bytes) as key material.
    public init(key: FernetKey) throws(StreamingEncryptionError) {
        try self.init(key: key.keyMaterial)
    }

    /// Feeds plaintext; returns the ciphertext ready to be written (possibly empty: a full
    /// segment is held back until it is known whether more data follows). With `isLast: true`
    /// the stream is completed (the chunk may be empty) and the sealer closed.
    public mutating func seal(chunk: some DataProtocol, isLast: Bool) throws(StreamingEncryptionError) -> [UInt8] {
        guard !closed else { throw .streamClosed }
        var output: [UInt8] = []
        do {
            for region in chunk.regions {
                try region.withUnsafeBytes { raw in try absorb(raw, into: &output) }
            }
            if isLast {
                try sealSegment(buffer, isLast: true, into: &output)
                closed = true
                buffer = []
            }
        } catch {
            closed = true
            throw (error as? StreamingEncryptionError) ?? .streamClosed
        }
        return output
    }

    private mutating func absorb(_ raw: UnsafeRawBufferPointer, into output: inout [UInt8]) throws(StreamingEncryptionError) {
        var offset = 0
        while offset < raw.count {
            // A held full segment is followed by more data: it is not the last one.
            if buffer.count == CFE1.segmentPlaintextCount {
                try sealSegment(buffer, isLast: false, into: &output)
                buffer.removeAll(keepingCapacity: true)
            }
            let remaining = raw.count - offset
            if buffer.isEmpty && remaining > CFE1.segmentPlaintextCount {
                // Fast path: a whole segment straight from the input, known not to be last.
                let segment = UnsafeRawBufferPointer(rebasing: raw[offset..<(offset + CFE1.segmentPlaintextCount)])
                try sealSegment(segment, isLast: false, into: &output)
                offset += CFE1.segmentPlaintextCount
                continue
            }
            let take = min(CFE1.segmentPlaintextCount - buffer.count, remaining)
            buffer.append(contentsOf: raw[offset..<(offset + take)])
            offset += take
        }
    }

    /// Completes the stream: `seal(chunk: [], isLast: true)`.
    public mutating func finish() throws(StreamingEncryptionError) -> [UInt8] {
        try seal(chunk: [UInt8](), isLast: true)
    }

    private mutating func sealSegment(_ plaintext: some DataProtocol, isLast: Bool, into output: inout [UInt8]) throws(StreamingEncryptionError) {
        let nonce = try CFE1.nonce(prefix: header[(CFE1.headerCount - CFE1.prefixCount)...], index: index, isLast: isLast)
        let box: AES.GCM.SealedBox
        do {
            box = try AES.GCM.seal(plaintext, using: key, nonce: nonce, authenticating: header)
        } catch {
            preconditionFailure("AES-GCM seal failed: \(error)")
        }
        output.append(contentsOf: box.ciphertext)
        output.append(contentsOf: box.tag)
        index += 1
    }
}

/// Incremental decryption: feed the stream's bytes in pieces of any size, write what `feed`
/// returns, then call `finish()`, which opens the last segment and throws if it never came.
/// Plaintext returned before `finish()` succeeds is authenticated segment by segment but the file
/// may still turn out truncated: do not publish it until then.
public struct StreamingOpener: Sendable {
    private let inputKey: SymmetricKey
    private var header: [UInt8] = []
    private var key: SymmetricKey?
    private var index: UInt64 = 0
    /// Ciphertext not yet opened: at most one segment plus one byte (a full segment is opened
    /// only once a following byte proves it is not the last).
    private var pending: [UInt8] = []
    private var closed = false

    public init(key: SymmetricKey) throws(StreamingEncryptionError) {
        guard key.bitCount == 256 else { throw .invalidKey }
        inputKey = key
        pending.reserveCapacity(CFE1.segmentCount + 1)
    }

    public init(key: FernetKey) throws(StreamingEncryptionError) {
        try self.init(key: key.keyMaterial)
    }

    /// Feeds ciphertext; returns the plaintext of every segment completed so far.
    public mutating func feed(_ bytes: some DataProtocol) throws(StreamingEncryptionError) -> [UInt8] {
        guard !closed else { throw .streamClosed }
        var output: [UInt8] = []
        do {
            for region in bytes.regions {
                try region.withUnsafeBytes { raw in try absorb(raw, into: &output) }
            }
        } catch {
            closed = true
            throw (error as? StreamingEncryptionError) ?? .streamClosed
        }
        return output
    }

    private mutating func absorb(_ raw: UnsafeRawBufferPointer, into output: inout [UInt8]) throws(StreamingEncryptionError) {
        var offset = 0
        if key == nil {
            let take = min(CFE1.headerCount - header.count, raw.count)
            header.append(contentsOf: raw[0..<take])
            offset = take
            if header.count == CFE1.headerCount { try parseHeader() }
        }
        while offset < raw.count {
            let remaining = raw.count - offset
            if pending.isEmpty && remaining > CFE1.segmentCount {
                // Fast path: a whole segment with more input after it, straight from the input.
                let segment = UnsafeRawBufferPointer(rebasing: raw[offset..<(offset + CFE1.segmentCount)])
                try openSegment(segment, isLast: false, into: &output)
                offset += CFE1.segmentCount
                continue
            }
            let take = min(CFE1.segmentCount + 1 - pending.count, remaining)
            pending.append(contentsOf: raw[offset..<(offset + take)])
            offset += take
            if pending.count > CFE1.segmentCount {
                try openSegment(pending[0..<CFE1.segmentCount], isLast: false, into: &output)
                pending.removeFirst(CFE1.segmentCount)
            }
        }
    }

    /// Opens the last segment. Throws `.truncated` if the stream ended early, and
    /// `.authenticationFailed` if what remains is not a valid last segment.
    public mutating func finish() throws(StreamingEncryptionError) -> [UInt8] {
        guard !closed else { throw .streamClosed }
        closed = true
        guard key != nil, pending.count >= CFE1.tagCount else { throw .truncated }
        var output: [UInt8] = []
        try openSegment(pending, isLast: true, into: &output)
        pending = []
        return output
    }

    private mutating func parseHeader() throws(StreamingEncryptionError) {
        guard header.starts(with: CFE1.magic), header[4] == CFE1.version else { throw .invalidHeader }
        key = try CFE1.deriveKey(inputKey, salt: header[5..<(5 + CFE1.saltCount)])
    }

    private mutating func openSegment(_ segment: some DataProtocol, isLast: Bool, into output: inout [UInt8]) throws(StreamingEncryptionError) {
        guard let key else { throw .truncated }
        let nonce = try CFE1.nonce(prefix: header[(CFE1.headerCount - CFE1.prefixCount)...], index: index, isLast: isLast)
        let split = segment.index(segment.endIndex, offsetBy: -CFE1.tagCount)
        do {
            let box = try AES.GCM.SealedBox(nonce: nonce, ciphertext: segment[..<split], tag: segment[split...])
            output.append(contentsOf: try AES.GCM.open(box, using: key, authenticating: header))
        } catch {
            throw .authenticationFailed
        }
        index += 1
    }
}

/// Whole-file encryption and decryption in CFE1, one segment in memory at a time. The output is
/// written to a temporary file beside `output` (mode 0600) and renamed over it only on success,
/// so a failed decryption never leaves unauthenticated plaintext behind.
public enum StreamingEncryptor {
    static let readSize = CFE1.segmentPlaintextCount

    public static func encrypt(input: URL, output: URL, key: SymmetricKey) throws {
        var sealer = try StreamingSealer(key: key)
        try transform(input: input, output: output) { reader, write in
            try write(sealer.header)
            while true {
                let chunk = try reader.read(upToCount: readSize) ?? Data()
                let isLast = chunk.count < readSize
                try write(try sealer.seal(chunk: chunk, isLast: isLast))
                if isLast { break }
            }
        }
    }

    public static func decrypt(input: URL, output: URL, key: SymmetricKey) throws {
        var opener = try StreamingOpener(key: key)
        try transform(input: input, output: output) { reader, write in
            while let chunk = try reader.read(upToCount: readSize), !chunk.isEmpty {
                try write(try opener.feed(chunk))
            }
            try write(try opener.finish())
        }
    }

    public static func encrypt(input: URL, output: URL, key: FernetKey) throws {
        try encrypt(input: input, output: output, key: key.keyMaterial)
    }

    public static func decrypt(input: URL, output: URL, key: FernetKey) throws {
        try decrypt(input: input, output: output, key: key.keyMaterial)
    }

    private static func transform(
        input: URL, output: URL,
        _ body: (FileHandle, (_ bytes: [UInt8]) throws -> Void) throws -> Void
    ) throws {
        let reader = try FileHandle(forReadingFrom: input)
        defer { try? reader.close() }
        let directory = output.deletingLastPathComponent()
        let temporary = directory.appendingPathComponent(".\(output.lastPathComponent).\(UUID().uuidString).partial")
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil, attributes: [.posixPermissions: 0o600])
        else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: temporary.path]) }
        do {
            let writer = try FileHandle(forWritingTo: temporary)
            do {
                try body(reader) { bytes in
                    if !bytes.isEmpty { try writer.write(contentsOf: bytes) }
                }
                try writer.synchronize()
                try writer.close()
            } catch {
                try? writer.close()
                throw error
            }
            guard rename(temporary.path, output.path) == 0 else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: output.path])
            }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
    }
}
