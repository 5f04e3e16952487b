import CareFlowPDF
import Foundation
import NIOCore
import Testing

@Suite("PDF writer (libharu) and WinAnsi text")
struct PDFDocumentWriterTests {
    @Test("WinAnsi keeps ASCII and Latin-1, maps the CP1252 extras, transliterates or replaces the rest")
    func winAnsi() {
        #expect(WinAnsiText.encode("Aline Uwase") == Array("Aline Uwase".utf8))
        #expect(WinAnsiText.encode("Émile") == [0xC9, 0x6D, 0x69, 0x6C, 0x65])
        #expect(WinAnsiText.encode("€ – ™") == [0x80, 0x20, 0x96, 0x20, 0x99])
        // ő and ş have no WinAnsi glyph: their base letters; e + combining acute is é's base e.
        #expect(WinAnsiText.encode("Erdős Şen") == Array("Erdos Sen".utf8))
        #expect(WinAnsiText.encode("e\u{301}") == [0x65])
        // No Latin base at all: a question mark each, never a crash.
        #expect(WinAnsiText.encode("王 😷") == Array("? ?".utf8))
        // NUL and other controls would end or garble the C string.
        #expect(WinAnsiText.encode("a\u{0}b\tc") == Array("a b c".utf8))
    }

    @Test("a document with text outside WinAnsi opens in pypdf and holds its text")
    func document() async throws {
        let pdf = try PDFDocumentWriter(title: "Writer check")
        pdf.heading("Writer check")
        pdf.line("Patient: Mukamana Émilie 王")
        pdf.table([.init("Item", width: 300), .init("Amount", width: 100, alignment: .right)],
                  rows: (1...80).map { ["Line \($0)", "\($0).00 USD"] })
        let bytes = try pdf.finish()
        #expect(bytes.starts(with: Array("%PDF-".utf8)))
        guard let (text, title) = try await ExportFixtures.pdfText(ByteBuffer(bytes: bytes)) else { return }
        #expect(title == "Writer check")
        #expect(text.contains("Mukamana Émilie ?"))
        // 80 rows run onto a second page, with the header repeated.
        #expect(text.contains("Line 1") && text.contains("Line 80") && text.contains("80.00 USD"))
        #expect(text.components(separatedBy: "Amount").count - 1 >= 2)
    }
}
