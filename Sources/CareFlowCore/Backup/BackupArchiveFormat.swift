// CFBK, version 1: the plaintext of a CareFlow backup, itself sealed as one CFE1 stream
// (StreamingEncryption.swift) under the operator's backup key, so the whole archive is
// authenticated (tampering, truncation, appending, wrong key) and streams in bounded memory.
//
//   "CFBK" 0x01
//   entries, each:  kind (1 byte) ‖ header length (UInt32, big-endian) ‖ JSON header ‖ body
//     kind 0x01 member:   header {"path", "size"}; body = exactly `size` bytes
//     kind 0x02 manifest: header = the BackupManifest; no body; must be the last entry
//
// Member paths are relative, '/'-separated, without empty, '.' or '..' components: a reader
// treats them as hostile and refuses anything else.

import Foundation

enum CFBK {
    static let magic: [UInt8] = Array("CFBK".utf8) + [0x01]
    static let memberKind: UInt8 = 0x01
    static let manifestKind: UInt8 = 0x02
    /// Largest JSON header a reader accepts (a manifest lists every blob, so it can be large).
    static let maxHeaderCount = 64 * 1024 * 1024
    static let chunkCount = 256 * 1024

    struct MemberHeader: Codable {
        var path: String
        var size: Int64
    }

    /// Whether `path` is safe to create under a directory.
    static func isSafe(_ path: String) -> Bool {
        guard !path.isEmpty, !path.hasPrefix("/"), path.utf8.count <= 4096, !path.contains("\0"), !path.contains("\\") else { return false }
        return path.split(separator: "/", omittingEmptySubsequences: false).allSatisfy { !$0.isEmpty && $0 != "." && $0 != ".." }
    }

    static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }

    static func hex(_ digest: some Sequence<UInt8>) -> String {
        digest.map { String(format: "%02x", $0) }.joined()
    }
}
