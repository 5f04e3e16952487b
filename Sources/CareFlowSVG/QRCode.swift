/// A QR code (ISO/IEC 18004 Model 2) of a text, encoded as UTF-8 in byte mode, in the smallest
/// version (1–40) that holds it at the requested error-correction level, with the mask the
/// standard's penalty rules choose. Drawn by the server so no outside QR service ever sees the
/// text (for TOTP enrolment, the text is a secret).
public struct QRCode: Sendable {
    /// Version 1–40; the symbol is `4 × version + 17` modules wide.
    public let version: Int
    /// Modules per side, without the quiet zone.
    public let size: Int
    public let correction: QRCorrectionLevel
    /// The data mask pattern (0–7) chosen by the penalty rules.
    public let mask: Int
    /// Row by row, `true` for dark.
    private let modules: [Bool]

    /// Throws `QRCodeError.textTooLong` when the UTF-8 text exceeds what a version-40 symbol
    /// holds at `correction` (2331 bytes at the default level M).
    public init(_ text: String, correction: QRCorrectionLevel = .medium) throws {
        let bytes = Array(text.utf8)
        guard let version = QRVersionTable.versions.first(where: { QRVersionTable.byteCapacity($0, correction) >= bytes.count }) else {
            throw QRCodeError.textTooLong(byteCount: bytes.count, maximum: QRVersionTable.byteCapacity(40, correction))
        }
        let data = QRCodewords.data(bytes, version: version, level: correction)
        var matrix = QRMatrix(version: version)
        matrix.place(QRCodewords.interleaved(data, version: version, level: correction))
        let best = QRMask.best(for: matrix)
        let mask = best.mask
        var masked = best.matrix
        masked.drawFormatInformation(level: correction, mask: mask)
        masked.drawVersionInformation()

        self.version = version
        size = masked.size
        self.correction = correction
        self.mask = mask.rawValue
        modules = masked.modules
    }

    /// Whether the module in column `x`, row `y` is dark; outside the symbol (the quiet zone)
    /// everything is light.
    public func isDark(x: Int, y: Int) -> Bool {
        guard (0..<size).contains(x), (0..<size).contains(y) else { return false }
        return modules[y * size + x]
    }
}
