import Crypto
import Foundation

/// Opens an encrypted backup archive and extracts its members under a directory, checking each
/// against the manifest. Whatever it extracts stays untrusted until `extract` returns: the last
/// CFE1 segment proves the stream complete, so callers extract into a staging directory and
/// only use it once this succeeded.
public enum BackupArchiveReader {
    /// Extracts every member of `archive` under `directory` (created, mode 0700) and returns
    /// the manifest. Throws `BackupError.badArchive` on a wrong key, any altered, reordered,
    /// truncated or appended byte, an unsafe path, or a member that differs from the manifest.
    public static func extract(archive: URL, key: BackupKey, into directory: URL) throws -> BackupManifest {
        var stream = try DecryptingStream(archive: archive, key: key)
        guard try stream.read(exactly: CFBK.magic.count) == CFBK.magic else {
            throw BackupError.badArchive("not a CareFlow backup archive (or not for this key)")
        }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        var extracted: [BackupManifest.Member] = []
        while true {
            let kind = try stream.read(exactly: 1)[0]
            let length = try stream.read(exactly: 4).reduce(0) { $0 << 8 | Int($1) }
            guard length <= CFBK.maxHeaderCount else { throw BackupError.badArchive("entry header too large") }
            let header = Data(try stream.read(exactly: length))
            switch kind {
            case CFBK.memberKind:
                guard let member = try? JSONDecoder().decode(CFBK.MemberHeader.self, from: header),
                      CFBK.isSafe(member.path), member.size >= 0,
                      !extracted.contains(where: { $0.path == member.path })
                else { throw BackupError.badArchive("a member has an unsafe, duplicate or unreadable header") }
                extracted.append(try extractMember(member, from: &stream, under: directory))
            case CFBK.manifestKind:
                guard let manifest = try? BackupManifest.decoder.decode(BackupManifest.self, from: header) else {
                    throw BackupError.badArchive("unreadable manifest")
                }
                guard manifest.format == BackupManifest.currentFormat else {
                    throw BackupError.badArchive("archive format \(manifest.format) is not supported (this CareFlow reads \(BackupManifest.currentFormat))")
                }
                try stream.expectEnd()
                guard manifest.members == extracted else { throw BackupError.badArchive("members differ from the manifest") }
                return manifest
            default:
                throw BackupError.badArchive("unknown entry kind")
            }
        }
    }

    private static func extractMember(_ member: CFBK.MemberHeader, from stream: inout DecryptingStream,
                                      under directory: URL) throws -> BackupManifest.Member {
        let target = directory.appendingPathComponent(member.path)
        try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        guard FileManager.default.createFile(atPath: target.path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
            throw BackupError.failed("cannot create \(target.path)")
        }
        let writer = try FileHandle(forWritingTo: target)
        defer { try? writer.close() }
        var hash = SHA256()
        var remaining = member.size
        while remaining > 0 {
            let chunk = try stream.read(upTo: Int(min(Int64(CFBK.chunkCount), remaining)))
            hash.update(data: chunk)
            try writer.write(contentsOf: chunk)
            remaining -= Int64(chunk.count)
        }
        return .init(path: member.path, size: member.size, sha256: CFBK.hex(hash.finalize()))
    }
}

/// The decrypted bytes of a CFE1 file, pulled on demand.
struct DecryptingStream {
    private let handle: FileHandle
    private var opener: StreamingOpener
    private var buffer: [UInt8] = []
    private var position = 0
    private var finished = false

    init(archive: URL, key: BackupKey) throws {
        do { handle = try FileHandle(forReadingFrom: archive) } catch {
            throw BackupError.failed("cannot open \(archive.path)")
        }
        opener = try StreamingOpener(key: key.material)
    }

    /// Decrypts more; false at the authenticated end.
    private mutating func fill() throws -> Bool {
        guard !finished else { return false }
        if position > 0 {
            buffer.removeFirst(position)
            position = 0
        }
        do {
            if let chunk = try handle.read(upToCount: CFBK.chunkCount), !chunk.isEmpty {
                buffer.append(contentsOf: try opener.feed(chunk))
            } else {
                buffer.append(contentsOf: try opener.finish())
                finished = true
                try? handle.close()
            }
        } catch let error as StreamingEncryptionError {
            throw BackupError.badArchive("\(error) (wrong key, or the file was altered or cut short)")
        }
        return true
    }

    mutating func read(upTo count: Int) throws -> [UInt8] {
        while buffer.count - position == 0 {
            guard try fill() else { throw BackupError.badArchive("the archive ends inside an entry") }
        }
        let take = min(count, buffer.count - position)
        defer { position += take }
        return Array(buffer[position..<(position + take)])
    }

    mutating func read(exactly count: Int) throws -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(count)
        while out.count < count { out += try read(upTo: count - out.count) }
        return out
    }

    /// The manifest must be the last thing in an authenticated, complete stream.
    mutating func expectEnd() throws {
        while try fill() {}
        guard buffer.count - position == 0 else { throw BackupError.badArchive("data after the manifest") }
    }
}
