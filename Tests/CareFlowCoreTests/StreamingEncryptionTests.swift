import Crypto
import Foundation
import Testing
@testable import CareFlowCore

/// A scratch directory per test, removed afterwards.
final class CFE1ScratchDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("cfe1-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    func file(_ name: String, _ contents: [UInt8]? = nil) throws -> URL {
        let file = url.appendingPathComponent(name)
        if let contents { try Data(contents).write(to: file) }
        return file
    }

    var listing: [String] { ((try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []).sorted() }
}

private func randomBytes(_ count: Int) -> [UInt8] {
    var generator = SystemRandomNumberGenerator()
    var bytes = [UInt8](repeating: 0, count: count)
    var index = 0
    while index < count {
        var word = generator.next()
        for _ in 0..<8 where index < count {
            bytes[index] = UInt8(truncatingIfNeeded: word)
            word >>= 8
            index += 1
        }
    }
    return bytes
}

private let segment = 64 * 1024
private let sealedSegment = segment + 16
private let headerSize = 28

/// On-disk size of a CFE1 file for `count` plaintext bytes.
private func expectedSize(_ count: Int) -> Int {
    let segments = max(1, (count + segment - 1) / segment)
    return headerSize + count + 16 * segments
}

@Suite("Streaming file encryption (CFE1: HKDF + AES-256-GCM STREAM)")
struct StreamingEncryptionTests {
    let key = SymmetricKey(size: .bits256)

    /// Encrypts `plaintext` through the file API and returns the ciphertext bytes.
    func sealFile(_ plaintext: [UInt8], in scratch: CFE1ScratchDirectory, key: SymmetricKey? = nil) throws -> [UInt8] {
        let input = try scratch.file("plain-\(UUID().uuidString)", plaintext)
        let output = try scratch.file("sealed-\(UUID().uuidString)")
        try StreamingEncryptor.encrypt(input: input, output: output, key: key ?? self.key)
        return [UInt8](try Data(contentsOf: output))
    }

    /// Decrypts `ciphertext` through the file API.
    func openFile(_ ciphertext: [UInt8], in scratch: CFE1ScratchDirectory, key: SymmetricKey? = nil) throws -> [UInt8] {
        let input = try scratch.file("sealed-\(UUID().uuidString)", ciphertext)
        let output = try scratch.file("opened-\(UUID().uuidString)")
        try StreamingEncryptor.decrypt(input: input, output: output, key: key ?? self.key)
        return [UInt8](try Data(contentsOf: output))
    }

    @Test("File round trip, byte for byte", arguments: [0, 1, 65_535, 65_536, 65_537, 2 * 65_536, 1_048_576 + 123])
    func roundTrip(size: Int) throws {
        let scratch = try CFE1ScratchDirectory()
        let plaintext = randomBytes(size)
        let sealed = try sealFile(plaintext, in: scratch)
        #expect(sealed.count == expectedSize(size))
        #expect(Array(sealed.prefix(5)) == Array("CFE1".utf8) + [1])
        #expect(try openFile(sealed, in: scratch) == plaintext)
    }

    @Test("Ciphertext does not contain the plaintext; two encryptions differ")
    func confidentiality() throws {
        let scratch = try CFE1ScratchDirectory()
        let marker = Array("PATIENT: Jane Doe, DOB 1980-01-01, HIV+ ".utf8)
        let plaintext = Array((0..<4_000).map { _ in marker }.joined())  // ~160 KiB, 3 segments
        let first = try sealFile(plaintext, in: scratch)
        let second = try sealFile(plaintext, in: scratch)
        for window in [marker, Array(marker.prefix(16)), Array(marker.suffix(12))] {
            #expect(Data(first).range(of: Data(window)) == nil)
        }
        #expect(first != second)
        #expect(Array(first[0..<headerSize]) != Array(second[0..<headerSize]))  // fresh salt and nonce prefix
        #expect(try openFile(first, in: scratch) == plaintext)
    }

    @Test("A flipped byte anywhere (header, body, tag, last segment) is detected")
    func flippedByte() throws {
        let scratch = try CFE1ScratchDirectory()
        let plaintext = randomBytes(2 * segment + 100)
        let sealed = try sealFile(plaintext, in: scratch)
        var positions = Array(0..<headerSize)  // every header byte: magic, version, salt, nonce prefix
        positions += [headerSize, headerSize + 1, headerSize + segment / 2, headerSize + sealedSegment - 1]  // segment 0 + tag
        positions += [headerSize + sealedSegment, headerSize + 2 * sealedSegment - 16]  // segment 1
        positions += [sealed.count - 117, sealed.count - 16, sealed.count - 1]  // last segment and its tag
        for position in positions {
            var tampered = sealed
            tampered[position] ^= 0x01
            #expect(throws: (any Error).self, "byte \(position)") { try openFile(tampered, in: scratch) }
        }
    }

    @Test("Truncation anywhere, including exactly at a segment boundary, is detected")
    func truncation() throws {
        let scratch = try CFE1ScratchDirectory()
        for size in [0, 100, segment, 2 * segment, 2 * segment + 100] {
            let sealed = try sealFile(randomBytes(size), in: scratch)
            var lengths = [0, 4, 5, headerSize - 1, headerSize, headerSize + 1, headerSize + 15, sealed.count - 1]
            lengths += stride(from: headerSize + sealedSegment, to: sealed.count, by: sealedSegment)  // drop whole final segments
            for length in Set(lengths) where length < sealed.count {
                #expect(throws: (any Error).self, "size \(size) cut to \(length)") { try openFile(Array(sealed.prefix(length)), in: scratch) }
            }
        }
    }

    @Test("Dropping the last segment is detected (.authenticationFailed, not silent success)")
    func droppedLastSegment() throws {
        let scratch = try CFE1ScratchDirectory()
        for size in [segment + 1, 2 * segment, 3 * segment + 7] {
            let sealed = try sealFile(randomBytes(size), in: scratch)
            let segments = (sealed.count - headerSize + sealedSegment - 1) / sealedSegment
            let withoutLast = Array(sealed.prefix(headerSize + (segments - 1) * sealedSegment))
            var opener = try StreamingOpener(key: key)
            _ = try opener.feed(withoutLast)
            #expect(throws: StreamingEncryptionError.authenticationFailed, "size \(size)") { try opener.finish() }
            #expect(throws: (any Error).self) { try openFile(withoutLast, in: scratch) }
        }
    }

    @Test("Reordered, duplicated, foreign or appended segments are detected")
    func segmentManipulation() throws {
        let scratch = try CFE1ScratchDirectory()
        let sealed = try sealFile(randomBytes(3 * segment + 10), in: scratch)
        let other = try sealFile(randomBytes(3 * segment + 10), in: scratch)  // same key, other file
        func segmentRange(_ i: Int) -> Range<Int> { (headerSize + i * sealedSegment)..<(headerSize + (i + 1) * sealedSegment) }

        var swapped = sealed  // segments 0 and 1 exchanged
        swapped.replaceSubrange(segmentRange(0), with: sealed[segmentRange(1)])
        swapped.replaceSubrange(segmentRange(1), with: sealed[segmentRange(0)])
        #expect(throws: StreamingEncryptionError.authenticationFailed) { try openFile(swapped, in: scratch) }

        var duplicated = sealed  // segment 0 twice
        duplicated.replaceSubrange(segmentRange(1), with: sealed[segmentRange(0)])
        #expect(throws: StreamingEncryptionError.authenticationFailed) { try openFile(duplicated, in: scratch) }

        var foreign = sealed  // segment 1 taken from another file at the same position
        foreign.replaceSubrange(segmentRange(1), with: other[segmentRange(1)])
        #expect(throws: StreamingEncryptionError.authenticationFailed) { try openFile(foreign, in: scratch) }

        var otherHeader = sealed  // another file's header over this body
        otherHeader.replaceSubrange(0..<headerSize, with: other[0..<headerSize])
        #expect(throws: StreamingEncryptionError.authenticationFailed) { try openFile(otherHeader, in: scratch) }

        for appendix in [[UInt8](repeating: 0, count: 1), Array(sealed[segmentRange(0)]), Array(sealed.suffix(26)), randomBytes(sealedSegment + 5)] {
            #expect(throws: StreamingEncryptionError.authenticationFailed) { try openFile(sealed + appendix, in: scratch) }
        }
        #expect(try openFile(sealed, in: scratch).count == 3 * segment + 10)
    }

    @Test("Wrong key, wrong key size, not a CFE1 file")
    func wrongKeyAndHeader() throws {
        let scratch = try CFE1ScratchDirectory()
        let sealed = try sealFile(Array("document".utf8), in: scratch)
        #expect(throws: StreamingEncryptionError.authenticationFailed) { try openFile(sealed, in: scratch, key: SymmetricKey(size: .bits256)) }
        #expect(throws: StreamingEncryptionError.invalidKey) { try openFile(sealed, in: scratch, key: SymmetricKey(size: .bits128)) }
        #expect(throws: StreamingEncryptionError.invalidKey) { try sealFile([1, 2, 3], in: scratch, key: SymmetricKey(size: .bits192)) }
        var badMagic = sealed
        badMagic[0] = UInt8(ascii: "X")
        #expect(throws: StreamingEncryptionError.invalidHeader) { try openFile(badMagic, in: scratch) }
        var badVersion = sealed
        badVersion[4] = 2
        #expect(throws: StreamingEncryptionError.invalidHeader) { try openFile(badVersion, in: scratch) }
        #expect(throws: StreamingEncryptionError.truncated) { try openFile([], in: scratch) }
    }

    @Test("A failed decryption leaves neither the output nor a temporary file")
    func failedDecryptionLeavesNothing() throws {
        let scratch = try CFE1ScratchDirectory()
        var sealed = try sealFile(randomBytes(3 * segment), in: scratch)
        sealed[sealed.count - 1] ^= 1  // only the last segment is bad: earlier plaintext must not leak
        let input = try scratch.file("tampered", sealed)
        let before = scratch.listing
        let output = scratch.url.appendingPathComponent("out.pdf")
        #expect(throws: StreamingEncryptionError.authenticationFailed) {
            try StreamingEncryptor.decrypt(input: input, output: output, key: key)
        }
        #expect(scratch.listing == before)
        #expect(!FileManager.default.fileExists(atPath: output.path))
        // A successful run replaces an existing output file, mode 0600.
        try Data("stale".utf8).write(to: output)
        let good = try scratch.file("good", try sealFile(Array("fresh".utf8), in: scratch))
        try StreamingEncryptor.decrypt(input: good, output: output, key: key)
        #expect(try Data(contentsOf: output) == Data("fresh".utf8))
        let permissions = try FileManager.default.attributesOfItem(atPath: output.path)[.posixPermissions] as? Int
        #expect(permissions == 0o600)
    }

    @Test("Incremental sealer and opener with arbitrary piece sizes interoperate with the file API")
    func incremental() throws {
        let scratch = try CFE1ScratchDirectory()
        for size in [0, 1, segment, segment + 1, 3 * segment + 999] {
            let plaintext = randomBytes(size)
            // Seal in irregular pieces.
            var sealer = try StreamingSealer(key: key)
            var sealed = sealer.header
            var offset = 0
            let pieces = [1, 7, 65_535, 2, 100_000, 65_536, 13]
            var p = 0
            while offset < size {
                let take = min(pieces[p % pieces.count], size - offset)
                sealed += try sealer.seal(chunk: plaintext[offset..<(offset + take)], isLast: false)
                offset += take
                p += 1
            }
            sealed += try sealer.finish()
            #expect(sealed.count == expectedSize(size), "size \(size)")
            #expect(throws: StreamingEncryptionError.streamClosed) { try sealer.seal(chunk: [1], isLast: true) }
            #expect(try openFile(sealed, in: scratch) == plaintext)

            // Open in other irregular pieces, including a single byte at a time around the header.
            var opener = try StreamingOpener(key: key)
            var opened: [UInt8] = []
            offset = 0
            let feeds = [1, 1, 26, 3, 65_552, 70_000, 5, 131_104]
            p = 0
            while offset < sealed.count {
                let take = min(feeds[p % feeds.count], sealed.count - offset)
                opened += try opener.feed(sealed[offset..<(offset + take)])
                offset += take
                p += 1
            }
            opened += try opener.finish()
            #expect(opened == plaintext, "size \(size)")
            #expect(throws: StreamingEncryptionError.streamClosed) { try opener.feed([0]) }
        }
    }

    @Test("Sealing straight from an async stream (upload body), single last flag")
    func asyncStream() async throws {
        let plaintext = randomBytes(200_000)
        let (stream, continuation) = AsyncStream<[UInt8]>.makeStream()
        for start in stride(from: 0, to: plaintext.count, by: 16_384) {
            continuation.yield(Array(plaintext[start..<min(start + 16_384, plaintext.count)]))
        }
        continuation.finish()
        var sealer = try StreamingSealer(key: key)
        var sealed = sealer.header
        for await piece in stream { sealed += try sealer.seal(chunk: piece, isLast: false) }
        sealed += try sealer.seal(chunk: [UInt8](), isLast: true)
        #expect(sealed.count == expectedSize(plaintext.count))
        var opener = try StreamingOpener(key: key)
        let opened = try opener.feed(sealed) + opener.finish()
        #expect(opened == plaintext)
    }

    @Test("Opener misuse: finish before the last segment, after a failure everything throws")
    func openerStates() throws {
        var sealer = try StreamingSealer(key: key)
        let sealed = sealer.header + (try sealer.seal(chunk: randomBytes(10), isLast: true))
        var early = try StreamingOpener(key: key)
        _ = try early.feed(sealed.prefix(20))
        #expect(throws: StreamingEncryptionError.truncated) { try early.finish() }
        #expect(throws: StreamingEncryptionError.streamClosed) { try early.finish() }

        var poisoned = try StreamingOpener(key: key)
        var bad = sealed
        bad[2] = 0
        #expect(throws: StreamingEncryptionError.invalidHeader) { try poisoned.feed(bad) }
        #expect(throws: StreamingEncryptionError.streamClosed) { try poisoned.feed(sealed) }

        // The FernetKey convenience uses all 32 bytes as key material.
        let fernetKey = FernetKey.generate()
        var fernetSealer = try StreamingSealer(key: fernetKey)
        let viaFernet = fernetSealer.header + (try fernetSealer.seal(chunk: Array("x".utf8), isLast: true))
        var viaRaw = try StreamingOpener(key: SymmetricKey(data: fernetKey.rawBytes))
        #expect(try viaRaw.feed(viaFernet) + viaRaw.finish() == Array("x".utf8))
    }
}
