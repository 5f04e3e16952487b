import CHaru

/// A plain A4 document of text lines and simple tables, written by libharu (the one place the
/// application touches a PDF library; receipts and analytics exports lay out their content with
/// it). Text uses the base-14 Helvetica fonts in WinAnsiEncoding, so no font file is embedded;
/// `WinAnsiText` makes any string safe for them. Pages are added as the content runs down.
/// Not thread-safe: one writer per document, used from one task.
public final class PDFDocumentWriter {
    public enum Alignment: Sendable { case left, right }

    public struct Column: Sendable {
        public var title: String
        public var width: Float
        public var alignment: Alignment

        public init(_ title: String, width: Float, alignment: Alignment = .left) {
            self.title = title
            self.width = width
            self.alignment = alignment
        }
    }

    public enum WriterError: Error, CustomStringConvertible {
        case libharu(code: UInt)

        public var description: String {
            switch self {
            case .libharu(let code): "libharu error 0x\(String(code, radix: 16))"
            }
        }
    }

    private let pdf: HPDF_Doc
    private let regular: HPDF_Font
    private let bold: HPDF_Font
    private var page: HPDF_Page?
    private var y: Float = 0
    static let margin: Float = 50
    static let pageWidth: Float = 595
    static let pageHeight: Float = 842

    public var contentWidth: Float { Self.pageWidth - 2 * Self.margin }

    /// A document with `title` in its information dictionary (pypdf's `metadata.title`).
    public init(title: String) throws {
        // No error handler: libharu then records the first error on the document and
        // `finish()` reports it, instead of calling back into Swift (or longjmp-ing) mid-call.
        guard let pdf = HPDF_New(nil, nil) else { throw WriterError.libharu(code: 0x1015) }
        self.pdf = pdf
        HPDF_SetCompressionMode(pdf, UInt32(HPDF_COMP_ALL))
        guard let regular = HPDF_GetFont(pdf, "Helvetica", "WinAnsiEncoding"),
              let bold = HPDF_GetFont(pdf, "Helvetica-Bold", "WinAnsiEncoding") else {
            let code = HPDF_GetError(pdf)
            HPDF_Free(pdf)
            throw WriterError.libharu(code: UInt(code))
        }
        (self.regular, self.bold) = (regular, bold)
        _ = Self.withCString(title) { HPDF_SetInfoAttr(pdf, HPDF_INFO_TITLE, $0) }
        HPDF_SetInfoAttr(pdf, HPDF_INFO_CREATOR, "CareFlow")
    }

    deinit {
        HPDF_Free(pdf)
    }

    /// A title line in bold.
    public func heading(_ text: String, size: Float = 16) {
        write(text, font: bold, size: size)
        y -= 4
    }

    /// One line of text, cut with "..." when it is wider than the page.
    public func line(_ text: String, size: Float = 10, bold isBold: Bool = false) {
        write(text, font: isBold ? bold : regular, size: size)
    }

    /// A "label: value" line, the label in bold.
    public func field(_ label: String, _ value: String, size: Float = 10) {
        let page = ensureRoom(size * 1.5)
        let labelWidth: Float = 130
        show(label, x: Self.margin, width: labelWidth, font: bold, size: size, on: page)
        show(value, x: Self.margin + labelWidth, width: contentWidth - labelWidth, font: regular, size: size, on: page)
        y -= size * 1.5
    }

    public func space(_ points: Float = 8) {
        y -= points
    }

    /// A horizontal rule across the content width.
    public func rule() {
        let page = ensureRoom(8)
        HPDF_Page_SetLineWidth(page, 0.5)
        HPDF_Page_MoveTo(page, Self.margin, y)
        HPDF_Page_LineTo(page, Self.pageWidth - Self.margin, y)
        HPDF_Page_Stroke(page)
        y -= 8
    }

    /// A table: a bold header row, then the rows; each cell cut to its column's width. The
    /// header is repeated on every page the table runs onto.
    public func table(_ columns: [Column], rows: [[String]], size: Float = 9) {
        tableRow(columns.map(\.title), columns: columns, font: bold, size: size)
        for row in rows {
            if y - size * 1.5 < Self.margin {
                newPage()
                tableRow(columns.map(\.title), columns: columns, font: bold, size: size)
            }
            tableRow(row, columns: columns, font: regular, size: size)
        }
    }

    /// The finished document's bytes.
    public func finish() throws -> [UInt8] {
        if page == nil { newPage() }
        guard HPDF_SaveToStream(pdf) == HPDF_OK else { throw WriterError.libharu(code: UInt(HPDF_GetError(pdf))) }
        var size = HPDF_GetStreamSize(pdf)
        var bytes = [UInt8](repeating: 0, count: Int(size))
        let status = bytes.withUnsafeMutableBufferPointer { HPDF_ReadFromStream(pdf, $0.baseAddress, &size) }
        // HPDF_STREAM_EOF is how the last read of a stream ends.
        guard status == HPDF_OK || status == HPDF_STREAM_EOF, HPDF_GetError(pdf) == HPDF_OK || status == HPDF_STREAM_EOF else {
            throw WriterError.libharu(code: UInt(HPDF_GetError(pdf)))
        }
        return Array(bytes.prefix(Int(size)))
    }

    // MARK: - Layout

    private func tableRow(_ cells: [String], columns: [Column], font: HPDF_Font, size: Float) {
        let page = ensureRoom(size * 1.5)
        var x = Self.margin
        for (i, column) in columns.enumerated() {
            let text = i < cells.count ? cells[i] : ""
            show(text, x: x, width: column.width - 6, font: font, size: size, on: page, alignment: column.alignment)
            x += column.width
        }
        y -= size * 1.5
    }

    private func write(_ text: String, font: HPDF_Font, size: Float) {
        let page = ensureRoom(size * 1.5)
        show(text, x: Self.margin, width: contentWidth, font: font, size: size, on: page)
        y -= size * 1.5
    }

    /// Shows `text` at the current baseline, cut to `width` points.
    private func show(_ text: String, x: Float, width: Float, font: HPDF_Font, size: Float, on page: HPDF_Page,
                      alignment: Alignment = .left) {
        HPDF_Page_SetFontAndSize(page, font, size)
        var bytes = WinAnsiText.encode(text)
        var measured = Self.width(of: bytes, on: page)
        if measured > width {
            let ellipsis = Array("...".utf8)
            while !bytes.isEmpty, Self.width(of: bytes + ellipsis, on: page) > width { bytes.removeLast() }
            bytes += ellipsis
            measured = Self.width(of: bytes, on: page)
        }
        let left = alignment == .right ? x + width - measured : x
        HPDF_Page_BeginText(page)
        _ = Self.withCString(bytes) { HPDF_Page_TextOut(page, left, y - size, $0) }
        HPDF_Page_EndText(page)
    }

    private func ensureRoom(_ height: Float) -> HPDF_Page {
        if let page, y - height >= Self.margin { return page }
        return newPage()
    }

    @discardableResult
    private func newPage() -> HPDF_Page {
        let page = HPDF_AddPage(pdf)!
        HPDF_Page_SetSize(page, HPDF_PAGE_SIZE_A4, HPDF_PAGE_PORTRAIT)
        self.page = page
        y = Self.pageHeight - Self.margin
        return page
    }

    private static func width(of bytes: [UInt8], on page: HPDF_Page) -> Float {
        withCString(bytes) { HPDF_Page_TextWidth(page, $0) }
    }

    private static func withCString<R>(_ text: String, _ body: (UnsafePointer<CChar>) -> R) -> R {
        withCString(WinAnsiText.encode(text), body)
    }

    /// WinAnsi bytes (never NUL, see `WinAnsiText`) with the terminating NUL libharu expects.
    private static func withCString<R>(_ bytes: [UInt8], _ body: (UnsafePointer<CChar>) -> R) -> R {
        (bytes + [0]).withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { body($0.baseAddress!) }
        }
    }
}
