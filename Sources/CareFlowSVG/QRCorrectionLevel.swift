/// The four error-correction levels of ISO/IEC 18004 (QR Code Model 2): the share of codewords a
/// reader can recover is about 7 % (L), 15 % (M), 25 % (Q) and 30 % (H).
public enum QRCorrectionLevel: Sendable, CaseIterable {
    case low
    case medium
    case quartile
    case high

    /// The two bits of the format information (ISO/IEC 18004 Table 12); deliberately not the
    /// order of the cases.
    var formatBits: Int {
        switch self {
        case .low: 0b01
        case .medium: 0b00
        case .quartile: 0b11
        case .high: 0b10
        }
    }

    /// Row of this level in the per-level tables of `QRVersionTable`.
    var tableIndex: Int {
        switch self {
        case .low: 0
        case .medium: 1
        case .quartile: 2
        case .high: 3
        }
    }
}
