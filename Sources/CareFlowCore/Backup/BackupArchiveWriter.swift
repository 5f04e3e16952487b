import Crypto
import Foundation

/// Writes an encrypted backup archive (CFBK inside CFE1) one member at a time, each streamed
/// in bounded memory. The file appears under its name only after `finish`; until then it is a
/// hidden `.partial` beside it (mode 0600), removed by `discard`.
public final class BackupArchiveWriter {
    public let destination: URL
    private let temporary: URL
    private let handle: FileHandle
    private var sealer: StreamingSealer
    private var members: [BackupManifest.Member] = []
    private var paths: Set<String> = []
    private var done = false

    public init(destination: URL, key: BackupKey) throws {
        self.destination = destination
        temporary = destination.deletingLastPathComponent()
            .appendingPathComponent(".\(destination.lastPathComponent).\(UUID().uuidString).partial")
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
            throw BackupError.failed("cannot create \(temporary.path)")
        }
        handle = try FileHandle(forWritingTo: temporary)
        sealer = try StreamingSealer(key: key.material)
        try handle.write(contentsOf: sealer.header)
        try write(CFBK.magic)
    }

    /// The members written so far.
    public var writtenMembers: [BackupManifest.Member] { members }

    /// Adds the file at `file` as `path`.
    public func add(file: URL, as path: String) throws {
        guard CFBK.isSafe(path), !paths.contains(path) else { throw BackupError.failed("bad or duplicate member path \(path)") }
        let reader = try FileHandle(forReadingFrom: file)
        defer { try? reader.close() }
        // The size is fixed in the header first: a file still growing is copied up to it, a file
        // that shrank meanwhile is an error (blobs and dumps are complete before they are added).
        let size = Int64(try reader.seekToEnd())
        try reader.seek(toOffset: 0)
        let header = try JSONEncoder().encode(CFBK.MemberHeader(path: path, size: size))
        try write([CFBK.memberKind] + CFBK.bigEndian(UInt32(header.count)) + Array(header))
        var hash = SHA256()
        var remaining = size
        while remaining > 0 {
            guard let chunk = try reader.read(upToCount: Int(min(Int64(CFBK.chunkCount), remaining))), !chunk.isEmpty else {
                throw BackupError.failed("\(path) shrank while it was being archived")
            }
            hash.update(data: chunk)
            try write(chunk)
            remaining -= Int64(chunk.count)
        }
        paths.insert(path)
        members.append(.init(path: path, size: size, sha256: CFBK.hex(hash.finalize())))
    }

    /// Writes the manifest (with the member list) as the last entry and publishes the file.
    public func finish(manifest: BackupManifest) throws {
        var manifest = manifest
        manifest.members = members
        let body = try BackupManifest.encoder.encode(manifest)
        try write([CFBK.manifestKind] + CFBK.bigEndian(UInt32(body.count)) + Array(body))
        try handle.write(contentsOf: sealer.finish())
        try handle.synchronize()
        try handle.close()
        done = true
        guard rename(temporary.path, destination.path) == 0 else {
            try? FileManager.default.removeItem(at: temporary)
            throw BackupError.failed("cannot move the archive into place at \(destination.path)")
        }
    }

    /// Removes the unfinished file.
    public func discard() {
        if !done { try? handle.close() }
        done = true
        try? FileManager.default.removeItem(at: temporary)
    }

    private func write(_ bytes: some DataProtocol) throws {
        let sealed = try sealer.seal(chunk: bytes, isLast: false)
        if !sealed.isEmpty { try handle.write(contentsOf: sealed) }
    }
}
