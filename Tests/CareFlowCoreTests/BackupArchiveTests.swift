import Crypto
import Foundation
import Testing
@testable import CareFlowCore

/// The backup archive format on its own (no database, no HTTP): members round-trip with the
/// manifest's hashes, hostile member paths are refused, the key file forms.
@Suite("Backup archive: CFBK inside CFE1")
struct BackupArchiveTests {
    static func hex(_ bytes: some DataProtocol) -> String {
        SHA256.hash(data: Data(bytes)).map { String(format: "%02x", $0) }.joined()
    }

    static func keyBytes() -> [UInt8] { (0..<32).map { UInt8($0 * 7 & 0xFF) } }

    @Test("members of any size come back byte for byte, listed in the manifest with their SHA-256")
    func roundTrip() throws {
        let dir = try CFE1ScratchDirectory()
        let big = (0..<(3 * 65_536 + 11)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        let bigFile = dir.url.appendingPathComponent("big.bin"), emptyFile = dir.url.appendingPathComponent("empty.bin")
        try Data(big).write(to: bigFile)
        try Data().write(to: emptyFile)
        let key = try BackupKey(bytes: Self.keyBytes())
        let archive = dir.url.appendingPathComponent("a.cfbk")
        let writer = try BackupArchiveWriter(destination: archive, key: key)
        try writer.add(file: bigFile, as: "data/blobs/t/big.cfe")
        try writer.add(file: emptyFile, as: "data/console/empty.jsonl")
        try writer.finish(manifest: BackupManifest(backend: .sqlite, counts: ["patients": 3]))

        let out = dir.url.appendingPathComponent("out")
        let manifest = try BackupArchiveReader.extract(archive: archive, key: key, into: out)
        #expect(manifest.counts == ["patients": 3])
        #expect(manifest.backend == .sqlite)
        #expect(manifest.members.map(\.path) == ["data/blobs/t/big.cfe", "data/console/empty.jsonl"])
        #expect(manifest.members.map(\.sha256) == [Self.hex(big), Self.hex([UInt8]())])
        #expect(manifest.members.map(\.size) == [Int64(big.count), 0])
        #expect(try Data(contentsOf: out.appendingPathComponent("data/blobs/t/big.cfe")) == Data(big))
        #expect(try Data(contentsOf: out.appendingPathComponent("data/console/empty.jsonl")).isEmpty)
    }

    @Test("a member path that leaves the folder is refused, and nothing is written outside it",
          arguments: ["../escaped", "/tmp/absolute", "data/../../escaped", "data//double", "./dot"])
    func hostilePath(path: String) throws {
        let dir = try CFE1ScratchDirectory()
        // Built by hand (not by the writer, which refuses such paths): a correctly sealed archive
        // whose one member names `path`.
        let body = Array("owned".utf8)
        let json = Array("{\"path\":\"\(path)\",\"size\":\(body.count)}".utf8)
        var plain = Array("CFBK".utf8) + [0x01, 0x01]
        plain += [UInt8(json.count >> 24), UInt8(json.count >> 16 & 0xFF), UInt8(json.count >> 8 & 0xFF), UInt8(json.count & 0xFF)]
        plain += json + body
        var sealer = try StreamingSealer(key: SymmetricKey(data: Self.keyBytes()))
        let sealed = sealer.header + (try sealer.seal(chunk: plain, isLast: true))
        let archive = dir.url.appendingPathComponent("hostile.cfbk")
        try Data(sealed).write(to: archive)

        let out = dir.url.appendingPathComponent("nested/out")
        #expect(throws: BackupError.self) {
            _ = try BackupArchiveReader.extract(archive: archive, key: try BackupKey(bytes: Self.keyBytes()), into: out)
        }
        #expect(!FileManager.default.fileExists(atPath: dir.url.appendingPathComponent("nested/escaped").path))
        #expect(!FileManager.default.fileExists(atPath: dir.url.appendingPathComponent("escaped").path))
    }

    @Test("a key file holds 32 bytes in URL-safe or standard base64; anything else is refused")
    func keyForms() throws {
        let bytes = (0..<32).map { UInt8(250 - $0) }   // base64 with '+' and '/' in it
        let standard = Data(bytes).base64EncodedString()
        let urlSafe = standard.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        #expect(standard != urlSafe)
        for text in [standard, urlSafe + "\n", urlSafe.replacingOccurrences(of: "=", with: "")] {
            let key = try BackupKey.parse(text)
            #expect(key.material.withUnsafeBytes { Array($0) } == bytes)
        }
        #expect(throws: BackupError.self) { try BackupKey.parse(Data(bytes.prefix(16)).base64EncodedString()) }
        #expect(throws: BackupError.self) { try BackupKey.parse("not base64 at all!") }
        let generated = try BackupKey.parse(BackupKey.generateText())
        #expect(generated.material.bitCount == 256)
        // A master key used as backup key is recognised.
        let master = try MasterKeys(keys: [try FernetKey(bytes: bytes)])
        #expect(try BackupKey(bytes: bytes).isAmong(master))
        #expect(!generated.isAmong(master))
    }
}
