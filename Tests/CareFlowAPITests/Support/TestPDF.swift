import CompressNIO
import Foundation
import NIOCore

/// A small, valid one-page PDF (catalog, pages, page, a Type1 font, real cross-reference table)
/// whose content stream shows `lines` of text, FlateDecode-compressed with zlib as PDF writers
/// do, or no text at all.
enum TestPDF {
    static func prescription(_ lines: [String], compressed: Bool = true) throws -> [UInt8] {
        var content = "BT /F1 11 Tf 72 770 Td 14 TL\n"
        for (i, line) in lines.enumerated() {
            let escaped = line.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "(", with: "\\(")
                .replacingOccurrences(of: ")", with: "\\)")
            // Every other line as a TJ array split inside a word, as kerning writers do.
            if i % 2 == 1, escaped.count > 4 {
                let cut = escaped.index(escaped.startIndex, offsetBy: 3)
                content += "[(\(escaped[..<cut])) 40 (\(escaped[cut...]))] TJ T*\n"
            } else {
                content += "(\(escaped)) Tj T*\n"
            }
        }
        content += "ET"
        return try document(content: Array(content.utf8), compressed: compressed)
    }

    /// A page that only draws: no text-showing operator at all (a scan would look like this).
    static func drawingOnly() throws -> [UInt8] {
        try document(content: Array("q 0 0 1 rg 72 600 200 100 re f Q".utf8), compressed: true)
    }

    static func document(content: [UInt8], compressed: Bool) throws -> [UInt8] {
        var stream = content
        if compressed {
            var buffer = ByteBuffer(bytes: content)
            var deflated = try buffer.compress(with: .zlib())
            stream = deflated.readBytes(length: deflated.readableBytes) ?? []
        }
        var out = Array("%PDF-1.4\n".utf8)
        var offsets: [Int] = []
        func object(_ body: [UInt8]) {
            offsets.append(out.count)
            out += Array("\(offsets.count) 0 obj\n".utf8) + body + Array("\nendobj\n".utf8)
        }
        object(Array("<< /Type /Catalog /Pages 2 0 R >>".utf8))
        object(Array("<< /Type /Pages /Kids [3 0 R] /Count 1 >>".utf8))
        object(Array("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>".utf8))
        object(Array("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".utf8))
        let filter = compressed ? " /Filter /FlateDecode" : ""
        object(Array("<< /Length \(stream.count)\(filter) >>\nstream\n".utf8) + stream + Array("\nendstream".utf8))
        let xref = out.count
        out += Array("xref\n0 \(offsets.count + 1)\n0000000000 65535 f \n".utf8)
        for offset in offsets { out += Array(String(format: "%010d 00000 n \n", offset).utf8) }
        out += Array("trailer\n<< /Size \(offsets.count + 1) /Root 1 0 R >>\nstartxref\n\(xref)\n%%EOF\n".utf8)
        return out
    }
}
