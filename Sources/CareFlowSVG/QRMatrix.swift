/// The module grid of one symbol (ISO/IEC 18004 clauses 6.3 and 7.7): the function patterns
/// (finders with separators, timing, alignment), the reserved format and version areas, and the
/// codewords placed in the two-module-wide zig-zag from the bottom right.
///
/// Modules are stored row by row; `true` is dark.
struct QRMatrix {
    let version: Int
    let size: Int
    private(set) var modules: [Bool]
    /// Modules that are not part of the encoding region: masks never touch them.
    private(set) var reserved: [Bool]

    init(version: Int) {
        self.version = version
        size = QRVersionTable.size(version)
        modules = Array(repeating: false, count: size * size)
        reserved = Array(repeating: false, count: size * size)
        drawTimingPatterns()
        drawFinderPatterns()
        drawAlignmentPatterns()
        reserveFormatAreas()
        reserveVersionAreas()
    }

    subscript(x: Int, y: Int) -> Bool {
        get { modules[y * size + x] }
        set { modules[y * size + x] = newValue }
    }

    func isReserved(x: Int, y: Int) -> Bool { reserved[y * size + x] }

    private mutating func setFunction(x: Int, y: Int, dark: Bool) {
        self[x, y] = dark
        reserved[y * size + x] = true
    }

    // MARK: Function patterns

    private mutating func drawTimingPatterns() {
        for i in 0..<size {
            setFunction(x: 6, y: i, dark: i % 2 == 0)
            setFunction(x: i, y: 6, dark: i % 2 == 0)
        }
    }

    /// The three 7×7 finders with their one-module light separator.
    private mutating func drawFinderPatterns() {
        for (cx, cy) in [(3, 3), (size - 4, 3), (3, size - 4)] {
            for dy in -4...4 {
                for dx in -4...4 {
                    let x = cx + dx, y = cy + dy
                    guard (0..<size).contains(x), (0..<size).contains(y) else { continue }
                    let ring = max(abs(dx), abs(dy))
                    setFunction(x: x, y: y, dark: ring != 2 && ring != 4)
                }
            }
        }
    }

    /// 5×5 alignment patterns at every pair of Annex E centres, except the three that would
    /// overlap a finder.
    private mutating func drawAlignmentPatterns() {
        let centres = QRVersionTable.alignmentCentres(version)
        guard let first = centres.first, let last = centres.last else { return }
        for cy in centres {
            for cx in centres {
                if (cx == first && cy == first) || (cx == first && cy == last) || (cx == last && cy == first) { continue }
                for dy in -2...2 {
                    for dx in -2...2 {
                        setFunction(x: cx + dx, y: cy + dy, dark: max(abs(dx), abs(dy)) != 1)
                    }
                }
            }
        }
    }

    /// Both copies of the format information, and the dark module beside the lower one, left
    /// light until the mask is chosen (they take no part in the mask evaluation).
    private mutating func reserveFormatAreas() {
        for i in 0...8 where i != 6 {
            setFunction(x: 8, y: i, dark: false)
            setFunction(x: i, y: 8, dark: false)
        }
        for i in 0..<8 {
            setFunction(x: size - 1 - i, y: 8, dark: false)
            setFunction(x: 8, y: size - 1 - i, dark: false)
        }
    }

    private mutating func reserveVersionAreas() {
        guard version >= 7 else { return }
        for i in 0..<18 {
            setFunction(x: size - 11 + i % 3, y: i / 3, dark: false)
            setFunction(x: i / 3, y: size - 11 + i % 3, dark: false)
        }
    }

    // MARK: Codewords

    /// Places the bits of `codewords`, most significant first, in two-module columns from the
    /// right edge, alternately upwards and downwards, skipping the vertical timing column and
    /// every reserved module. Modules left over (remainder bits) stay light.
    mutating func place(_ codewords: [UInt8]) {
        let totalBits = codewords.count * 8
        var bit = 0
        var right = size - 1
        while right >= 1 {
            if right == 6 { right = 5 }
            let upward = (right + 1) & 2 == 0
            for step in 0..<size {
                let y = upward ? size - 1 - step : step
                for x in [right, right - 1] where !isReserved(x: x, y: y) && bit < totalBits {
                    self[x, y] = (codewords[bit >> 3] >> (7 - UInt8(bit & 7))) & 1 == 1
                    bit += 1
                }
            }
            right -= 2
        }
    }

    // MARK: Mask, format and version information

    /// Inverts the encoding-region modules where `mask` says so.
    mutating func apply(_ mask: QRMask) {
        for y in 0..<size {
            for x in 0..<size where !isReserved(x: x, y: y) && mask.inverts(x: x, y: y) {
                self[x, y].toggle()
            }
        }
    }

    /// Writes both copies of the format information and the always-dark module.
    mutating func drawFormatInformation(level: QRCorrectionLevel, mask: QRMask) {
        let bits = QRFormatInformation.formatBits(level: level, mask: mask.rawValue)
        func bit(_ i: Int) -> Bool { (bits >> i) & 1 == 1 }
        // Around the top-left finder: bits 0–7 down column 8, bits 8–14 leftwards along row 8,
        // both stepping over the timing patterns.
        for i in 0..<6 { self[8, i] = bit(i) }
        self[8, 7] = bit(6)
        self[8, 8] = bit(7)
        self[7, 8] = bit(8)
        for i in 9..<15 { self[14 - i, 8] = bit(i) }
        // The second copy: bits 0–7 along row 8 from the right edge, bits 8–14 down column 8 at
        // the bottom.
        for i in 0..<8 { self[size - 1 - i, 8] = bit(i) }
        for i in 8..<15 { self[8, size - 15 + i] = bit(i) }
        self[8, size - 8] = true
    }

    /// Writes both 6×3 copies of the version information (versions 7 and up).
    mutating func drawVersionInformation() {
        guard version >= 7 else { return }
        let bits = QRFormatInformation.versionBits(version)
        for i in 0..<18 {
            let dark = (bits >> i) & 1 == 1
            self[size - 11 + i % 3, i / 3] = dark
            self[i / 3, size - 11 + i % 3] = dark
        }
    }
}
