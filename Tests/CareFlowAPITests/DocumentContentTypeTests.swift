@testable import CareFlowAPI
@testable import CareFlowCore
import Foundation
import Testing

/// The content inspector on its own: signatures, UTF-8 rules, and chunk boundaries.
@Suite("Document content types are decided by content")
struct DocumentContentTypeTests {
    typealias F = RecordFixtures

    static func inspect(_ bytes: [UInt8], chunk: Int = 7) throws(ContentInspector.Rejection) -> DocumentContentType {
        var inspector = ContentInspector()
        var i = 0
        while i < bytes.count {
            try inspector.feed(bytes[i..<min(i + chunk, bytes.count)])
            i += chunk
        }
        return try inspector.finish()
    }

    @Test("signatures and text, whatever the chunk size", arguments: [1, 3, 131, 132, 4096])
    func accepted(chunk: Int) throws {
        #expect(try Self.inspect(F.pdf(size: 5000), chunk: chunk) == .pdf)
        #expect(try Self.inspect(Array("%PDF-".utf8), chunk: chunk) == .pdf)
        #expect(try Self.inspect(F.png(size: 300), chunk: chunk) == .png)
        #expect(try Self.inspect(F.jpeg(), chunk: chunk) == .jpeg)
        #expect(try Self.inspect(F.dicom(), chunk: chunk) == .dicom)
        #expect(try Self.inspect(F.text(), chunk: chunk) == .text)
        #expect(try Self.inspect([0xEF, 0xBB, 0xBF] + Array("bom 🚑 ok".utf8), chunk: chunk) == .text)
        #expect(try Self.inspect(Array(String(repeating: "Kigali — Ikaze 🏥\n", count: 50).utf8), chunk: chunk) == .text)
    }

    @Test("binaries and malformed text are refused", arguments: [1, 5, 4096])
    func refused(chunk: Int) {
        let samples: [(String, [UInt8])] = [
            ("ELF", F.elf()), ("ZIP", F.zip()), ("gzip", [0x1F, 0x8B, 0x08, 0x00] + F.noise(500, seed: 9)),
            ("DICM too early", Array("DICM".utf8) + [UInt8](repeating: 0x41, count: 200) + [0x00]),
            ("overlong slash", Array("a".utf8) + [0xC0, 0xAF]),
            ("UTF-16 surrogate", [0xED, 0xA0, 0x80]),
            ("above U+10FFFF", [0xF4, 0x90, 0x80, 0x80]),
            ("cut in a character", Array("caf".utf8) + [0xC3]),
            ("stray continuation", [0x41, 0x80, 0x41]),
            ("escape sequence", Array("red \u{1B}[31m".utf8)),
            ("DEL", [0x41, 0x7F]),
            ("NUL after the head", Array(String(repeating: "x", count: 500).utf8) + [0x00]),
        ]
        for (name, bytes) in samples {
            #expect(throws: ContentInspector.Rejection.notAllowed, "\(name)") { try Self.inspect(bytes, chunk: chunk) }
        }
        #expect(throws: ContentInspector.Rejection.empty) { try Self.inspect([]) }
    }

    @Test("a binary is refused as soon as its first 132 bytes are in")
    func early() throws {
        var inspector = ContentInspector()
        try inspector.feed(F.elf().prefix(100))
        #expect(throws: ContentInspector.Rejection.notAllowed) { try inspector.feed(F.elf()[100..<140]) }
    }

    @Test("uploaded file names lose their paths and control characters")
    func filenames() {
        #expect(DocumentForm.cleanFilename("C:\\Users\\x\\scan 1.pdf") == "scan 1.pdf")
        #expect(DocumentForm.cleanFilename("../../etc/passwd") == "passwd")
        #expect(DocumentForm.cleanFilename("UTF-8''r%C3%A9sultat.pdf") == "résultat.pdf")
        #expect(DocumentForm.cleanFilename("a\u{0}b\nc.txt") == "abc.txt")
        #expect(DocumentForm.cleanFilename("..") == nil)
        #expect(DocumentForm.cleanFilename("/") == nil)
    }

    @Test("time-ordered ids sort by creation")
    func timeOrdered() {
        let earlier = TimeOrderedID.make(at: Date(timeIntervalSince1970: 1_700_000_000))
        let later = TimeOrderedID.make(at: Date(timeIntervalSince1970: 1_700_000_000.002))
        #expect(earlier.uuidString < later.uuidString)
        #expect(earlier.uuidString.dropFirst(14).first == "7")
    }
}
