@testable import CareFlowCore
import Foundation
import Testing

/// The streaming ZIP writer of the patient export, read back by independent implementations:
/// Python's `zipfile` (with `zlib.crc32`) and Info-ZIP's `unzip -t`.
@Suite("ZIP writer")
struct ZipStreamWriterTests {
    @Test("CRC-32 check value of the catalogue (\"123456789\" → CBF43926), whole and in pieces")
    func crcCheckValue() {
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        var pieces = CRC32()
        pieces.update(Array("1234".utf8))
        pieces.update(Array("56789".utf8))
        #expect(pieces.value == 0xCBF4_3926)
        #expect(CRC32.checksum([UInt8]()) == 0)
    }

    @Test("whole and streamed members, empty and UTF-8 names, read back by zipfile and unzip -t")
    func readBack() async throws {
        var state: UInt64 = 42
        let big: [UInt8] = (0..<1_100_000).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return UInt8(truncatingIfNeeded: state >> 33)
        }
        let collected = Collected()
        let zip = ZipStreamWriter(modified: Date(timeIntervalSince1970: 1_780_000_000)) { await collected.append($0) }
        try await zip.add("a.json", bytes: Array(#"{"x":1}"#.utf8))
        try await zip.add("empty.txt", bytes: [])
        let streamed = try await zip.addStreamed("documents/résumé-1.bin") { write in
            var start = 0
            while start < big.count {
                try await write(Array(big[start..<min(start + 65_536, big.count)]))
                start += 65_536
            }
        }
        try await zip.addStreamed("documents/nothing.bin") { _ in }
        try await zip.finish()
        #expect(streamed.size == UInt32(big.count))
        #expect(streamed.crc32 == CRC32.checksum(big))
        await #expect(throws: ZipStreamWriter.Failure.finished) { try await zip.add("late", bytes: [1]) }

        let path = FileManager.default.temporaryDirectory.appendingPathComponent("zip-\(UUID().uuidString).zip").path
        try Data(await collected.bytes).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/unzip") {
            let tested = try await Interop.run("/usr/bin/unzip", ["-t", path])
            #expect(tested.status == 0, "\(tested.stdout)\(tested.stderr)")
        }
        let script = """
            import hashlib, json, sys, zipfile, zlib
            with zipfile.ZipFile(sys.argv[1]) as z:
                print(json.dumps({"bad": z.testzip(), "members": [
                    {"name": i.filename, "size": i.file_size, "crc": i.CRC, "zlib": zlib.crc32(z.read(i)) & 0xffffffff,
                     "sha": hashlib.sha256(z.read(i)).hexdigest(), "date": list(i.date_time)} for i in z.infolist()]}))
            """
        guard let output = try await Interop.python(script: script, arguments: [path], requiredModule: "zipfile") else { return }
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        #expect(parsed["bad"] is NSNull)
        let members = try #require(parsed["members"] as? [[String: Any]])
        #expect(members.compactMap { $0["name"] as? String } == ["a.json", "empty.txt", "documents/résumé-1.bin", "documents/nothing.bin"])
        #expect(members.compactMap { $0["size"] as? Int } == [7, 0, big.count, 0])
        for member in members { #expect(member["crc"] as? Int == member["zlib"] as? Int) }
        #expect(members[2]["crc"] as? Int == Int(CRC32.checksum(big)))
        // 1_780_000_000 s = 2026-05-28 20:26:40 UTC; DOS time keeps even seconds.
        #expect(members[0]["date"] as? [Int] == [2026, 5, 28, 20, 26, 40])
    }

    @Test("names that could escape the extraction folder are refused", arguments: ["/etc/passwd", "../x", "a/../../x", "a\\b", "", "a//b"])
    func unsafeNames(name: String) async throws {
        let zip = ZipStreamWriter(modified: Date()) { _ in }
        await #expect(throws: ZipStreamWriter.Failure.badName(name)) { try await zip.add(name, bytes: [1]) }
    }
}

private actor Collected {
    var bytes: [UInt8] = []
    func append(_ piece: [UInt8]) { bytes += piece }
}
