@testable import CareFlowCore
import Foundation
import Testing

/// Issue 13: the text of a PDF prescription is what its content streams show with `Tj`, `TJ`,
/// `'` and `"`, FlateDecode streams inflated; the file is outside input, so sizes and counts
/// are bounded, and a PDF without text says so instead of returning garbage.
@Suite("PDF text extraction (pure)")
struct PDFTextExtractorTests {
    /// `BT /F1 11 Tf 72 760 Td (Warfarin 5 mg PO once daily) Tj T* [(Clari) 80 (thromycin) -320 (500 mg PO BID x 7 days)] TJ ET`,
    /// zlib-compressed with Python's zlib when the test was written.
    static let flateContent = Array(Data(base64Encoded: """
        eJwty7sKwjAYQOFXOWMiiEmlxrleQBcdfnAQh9BajbQpRAfz9mZwPZyvERZ7i7VIj6twK4N0qItPvU8hUjM+OJ+YYnun82HIGnkhM65qM5RFszaozzNNY25D1MyXVQm1MX/ZHLZ8cQXnt74hR3byA5LcIKk=
        """, options: .ignoreUnknownCharacters)!)
    /// 64 KiB of `q ` (save graphics state, no text), zlib-compressed to 96 bytes.
    static let flateBomb = Array(Data(base64Encoded: """
        eNrtwjENAAAAwyArs1j/z4wQaAEAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAMAOYzeEOQ==
        """, options: .ignoreUnknownCharacters)!)

    /// A one-page PDF whose page has these content streams (`flate`: already compressed), with
    /// a real cross-reference table.
    static func pdf(_ streams: [(bytes: [UInt8], flate: Bool)], extraObjects: [String] = []) -> [UInt8] {
        var out = Array("%PDF-1.4\n%\u{E2}\u{E3}\u{CF}\u{D3}\n".utf8)
        var offsets: [Int] = []
        func object(_ body: [UInt8]) {
            offsets.append(out.count)
            out += Array("\(offsets.count) 0 obj\n".utf8) + body + Array("\nendobj\n".utf8)
        }
        let contentIDs = streams.indices.map { 5 + $0 }
        object(Array("<< /Type /Catalog /Pages 2 0 R >>".utf8))
        object(Array("<< /Type /Pages /Kids [3 0 R] /Count 1 >>".utf8))
        object(Array("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents [\(contentIDs.map { "\($0) 0 R" }.joined(separator: " "))] >>".utf8))
        object(Array("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".utf8))
        for stream in streams {
            let filter = stream.flate ? " /Filter /FlateDecode" : ""
            object(Array("<< /Length \(stream.bytes.count)\(filter) >>\nstream\n".utf8) + stream.bytes + Array("\nendstream".utf8))
        }
        for extra in extraObjects { object(Array(extra.utf8)) }
        let xref = out.count
        out += Array("xref\n0 \(offsets.count + 1)\n0000000000 65535 f \n".utf8)
        for offset in offsets { out += Array(String(format: "%010d 00000 n \n", offset).utf8) }
        out += Array("trailer\n<< /Size \(offsets.count + 1) /Root 1 0 R >>\nstartxref\n\(xref)\n%%EOF\n".utf8)
        return out
    }

    static func plain(_ content: String) -> (bytes: [UInt8], flate: Bool) { (Array(content.utf8), false) }

    @Test("Tj, TJ with kerning and word gaps, T*, ' and \", escapes and hex strings; FlateDecode inflated")
    func showsText() throws {
        let text = try PDFTextExtractor().text(of: Self.pdf([
            (Self.flateContent, true),
            Self.plain(#"BT 72 700 Td (Dr. Mukamana \(GP\)) Tj 0 -14 Td <50617261636574616D6F6C> Tj ( 1 g PO q6h prn) Tj "#
                       + #"(Sig: take with food) ' 2 0 (\101\155lodipine 5 mg OD) " ET"#),
        ]))
        #expect(text == """
            Warfarin 5 mg PO once daily
            Clarithromycin 500 mg PO BID x 7 days
            Dr. Mukamana (GP)
            Paracetamol 1 g PO q6h prn
            Sig: take with food
            Amlodipine 5 mg OD
            """)
    }

    @Test("what is not text is skipped: paths, colours, inline images, images and fonts")
    func skipsTheRest() throws {
        let content = "q 0.5 g 10 10 100 100 re f Q BI /W 2 /H 2 /CS /G /BPC 8 ID \u{01}(Tj)\u{02} EI BT (Metformin 500 mg BID) Tj ET"
        let image = "<< /Type /XObject /Subtype /Image /Width 1 /Height 1 /Length 12 >>\nstream\n(Hidden) Tj \nendstream"
        let text = try PDFTextExtractor().text(of: Self.pdf([Self.plain(content)], extraObjects: [image]))
        #expect(text == "Metformin 500 mg BID")
    }

    @Test("no text, not a PDF, glyph ids without an encoding: each a typed failure")
    func failures() {
        let extractor = PDFTextExtractor()
        #expect(throws: PDFTextExtractor.Failure.noText) { try extractor.text(of: Self.pdf([Self.plain("q 1 0 0 1 0 0 cm Q")])) }
        #expect(throws: PDFTextExtractor.Failure.notAPDF) { try extractor.text(of: Array("Amoxicillin 500 mg TID".utf8)) }
        // Two-byte glyph ids (Identity-H) read as Latin-1 are a scatter of symbols, not text.
        #expect(throws: PDFTextExtractor.Failure.noText) {
            try extractor.text(of: Self.pdf([Self.plain("BT <0024004F0048005B00030014> Tj <00B100D200F3> Tj ET")]))
        }
    }

    @Test("bounded: file size, number of streams, inflated size")
    func bounded() {
        var small = PDFTextExtractor.Limits()
        small.maxFileBytes = 2_000
        #expect(throws: PDFTextExtractor.Failure.self) {
            try PDFTextExtractor(limits: small).text(of: Self.pdf([Self.plain("BT (" + String(repeating: "x", count: 3_000) + ") Tj ET")]))
        }
        var fewStreams = PDFTextExtractor.Limits()
        fewStreams.maxStreams = 3
        #expect(throws: PDFTextExtractor.Failure.self) {
            try PDFTextExtractor(limits: fewStreams).text(of: Self.pdf((0..<5).map { _ in Self.plain("BT (Aspirin 75 mg OD) Tj ET") }))
        }
        var tight = PDFTextExtractor.Limits()
        tight.maxInflatedStreamBytes = 16 * 1024
        #expect(throws: PDFTextExtractor.Failure.self) {
            try PDFTextExtractor(limits: tight).text(of: Self.pdf([(Self.flateBomb, true), Self.plain("BT (Aspirin 75 mg OD) Tj ET")]))
        }
        // Stream keywords without dictionaries count too: reading such a file stays cheap.
        let keywords = Array("%PDF-1.4\n".utf8) + Array(repeating: Array("x stream\n".utf8), count: 50_000).flatMap { $0 }
        let started = Date()
        #expect(throws: PDFTextExtractor.Failure.self) { try PDFTextExtractor().text(of: keywords) }
        #expect(Date().timeIntervalSince(started) < 5)
        // Within the default limits the same file reads.
        #expect((try? PDFTextExtractor().text(of: Self.pdf([(Self.flateBomb, true), Self.plain("BT (Aspirin 75 mg OD) Tj ET")])))
                == "Aspirin 75 mg OD")
    }

    @Test("a corrupt FlateDecode stream is skipped, the rest still read")
    func corruptStream() throws {
        let text = try PDFTextExtractor().text(of: Self.pdf([([0x78, 0x9C, 0xFF, 0xFF, 0x00, 0x01], true),
                                                            Self.plain("BT (Losartan 50 mg OD) Tj ET")]))
        #expect(text == "Losartan 50 mg OD")
    }
}
