import CareFlowModels
import Foundation
import Testing

@Suite("Gzip inflater")
struct GzipInflaterTests {
    /// Compresses with the system gzip (tests only; the library never shells out).
    private func gzip(_ bytes: [UInt8], level: String) throws -> [UInt8]? {
        let directory = try temporaryDirectory("gzip")
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("input")
        try Data(bytes).write(to: file)
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/gzip") || FileManager.default.isExecutableFile(atPath: "/bin/gzip") else { return nil }
        let result = try run("gzip", [level, "-c", file.path])
        return result.status == 0 ? [UInt8](result.output) : nil
    }

    @Test("inflates stored, fixed and dynamic Huffman blocks", arguments: ["-1", "-9"])
    func roundTrip(level: String) throws {
        var generator = SplitMix64(seed: 7)
        let text = (0..<20_000).map { _ in "row,\(generator.below(1000)),\(["Yes", "No", "?"][generator.below(3)])\n" }.joined()
        let random = (0..<70_000).map { _ in UInt8(truncatingIfNeeded: generator.next()) }  // incompressible → stored blocks
        for input in [Array(text.utf8), random, Array("a".utf8), []] {
            guard let compressed = try gzip(input, level: level) else { return }
            #expect(try GzipInflater.decompress(compressed) == input)
        }
    }

    @Test("a truncated or non-gzip stream is an error, not garbage")
    func rejectsBadInput() throws {
        guard let compressed = try gzip(Array(String(repeating: "careflow ", count: 500).utf8), level: "-9") else { return }
        #expect(throws: GzipInflater.Failure.self) { try GzipInflater.decompress(Array(compressed.prefix(compressed.count / 2))) }
        #expect(throws: GzipInflater.Failure.notGzip) { try GzipInflater.decompress(Array("not gzip at all, clearly".utf8)) }
    }
}
