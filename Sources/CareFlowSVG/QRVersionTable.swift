/// The symbol structure of each version (ISO/IEC 18004 Tables 1, 9 and Annex E): how many
/// codewords it carries, how they are split into Reed–Solomon blocks per level, and where its
/// alignment patterns sit.
enum QRVersionTable {
    static let versions = 1...40

    /// Side of the symbol in modules.
    static func size(_ version: Int) -> Int { version * 4 + 17 }

    /// Error-correction codewords in each block, indexed [level][version] (L, M, Q, H).
    private static let eccCodewordsPerBlock: [[Int]] = [
        [-1, 7, 10, 15, 20, 26, 18, 20, 24, 30, 18, 20, 24, 26, 30, 22, 24, 28, 30, 28, 28, 28, 28, 30, 30, 26, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
        [-1, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26, 26, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28],
        [-1, 13, 22, 18, 26, 18, 24, 18, 22, 20, 24, 28, 26, 24, 20, 30, 24, 28, 28, 26, 30, 28, 30, 30, 30, 30, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
        [-1, 17, 28, 22, 16, 22, 28, 26, 26, 24, 28, 24, 28, 22, 24, 24, 30, 28, 28, 26, 28, 30, 24, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
    ]

    /// Number of Reed–Solomon blocks, indexed [level][version] (L, M, Q, H).
    private static let blockCount: [[Int]] = [
        [-1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 4, 4, 6, 6, 6, 6, 7, 8, 8, 9, 9, 10, 12, 12, 12, 13, 14, 15, 16, 17, 18, 19, 19, 20, 21, 22, 24, 25],
        [-1, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16, 17, 17, 18, 20, 21, 23, 25, 26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49],
        [-1, 1, 1, 2, 2, 4, 4, 6, 6, 8, 8, 8, 10, 12, 16, 12, 17, 16, 18, 21, 20, 23, 23, 25, 27, 29, 34, 34, 35, 38, 40, 43, 45, 48, 51, 53, 56, 59, 62, 65, 68],
        [-1, 1, 1, 2, 4, 4, 4, 5, 6, 8, 8, 11, 11, 16, 16, 18, 16, 19, 21, 25, 25, 25, 34, 30, 32, 35, 37, 40, 42, 45, 48, 51, 54, 57, 60, 63, 66, 70, 74, 77, 81],
    ]

    /// Centre coordinates of the alignment patterns (Annex E, Table E.1), version 2 onwards.
    private static let alignmentCentres: [[Int]] = [
        [], [], [6, 18], [6, 22], [6, 26], [6, 30], [6, 34],
        [6, 22, 38], [6, 24, 42], [6, 26, 46], [6, 28, 50], [6, 30, 54], [6, 32, 58], [6, 34, 62],
        [6, 26, 46, 66], [6, 26, 48, 70], [6, 26, 50, 74], [6, 30, 54, 78], [6, 30, 56, 82], [6, 30, 58, 86], [6, 34, 62, 90],
        [6, 28, 50, 72, 94], [6, 26, 50, 74, 98], [6, 30, 54, 78, 102], [6, 28, 54, 80, 106], [6, 32, 58, 84, 110],
        [6, 30, 58, 86, 114], [6, 34, 62, 90, 118],
        [6, 26, 50, 74, 98, 122], [6, 30, 54, 78, 102, 126], [6, 26, 52, 78, 104, 130], [6, 30, 56, 82, 108, 134],
        [6, 34, 60, 86, 112, 138], [6, 30, 58, 86, 114, 142], [6, 34, 62, 90, 118, 146],
        [6, 30, 54, 78, 102, 126, 150], [6, 24, 50, 76, 102, 128, 154], [6, 28, 54, 80, 106, 132, 158],
        [6, 32, 58, 84, 110, 136, 162], [6, 26, 54, 82, 110, 138, 166], [6, 30, 58, 86, 114, 142, 170],
    ]

    static func alignmentCentres(_ version: Int) -> [Int] { alignmentCentres[version] }

    static func eccCodewordsPerBlock(_ version: Int, _ level: QRCorrectionLevel) -> Int {
        eccCodewordsPerBlock[level.tableIndex][version]
    }

    static func blockCount(_ version: Int, _ level: QRCorrectionLevel) -> Int {
        blockCount[level.tableIndex][version]
    }

    /// Modules left for data and error correction once the function patterns, format and
    /// version information are drawn; may not be a multiple of 8 (the rest are remainder bits).
    static func rawDataModules(_ version: Int) -> Int {
        var modules = (16 * version + 128) * version + 64
        if version >= 2 {
            let alignments = version / 7 + 2
            modules -= (25 * alignments - 10) * alignments - 55
            if version >= 7 { modules -= 36 }
        }
        return modules
    }

    /// All codewords (data and error correction) of a version.
    static func totalCodewords(_ version: Int) -> Int { rawDataModules(version) / 8 }

    /// Data codewords of a version at a level.
    static func dataCodewords(_ version: Int, _ level: QRCorrectionLevel) -> Int {
        totalCodewords(version) - eccCodewordsPerBlock(version, level) * blockCount(version, level)
    }

    /// Bits of the character count indicator in byte mode (Table 3).
    static func byteCountBits(_ version: Int) -> Int { version <= 9 ? 8 : 16 }

    /// Most bytes a version holds in byte mode at a level: the 4-bit mode indicator and the
    /// count come first.
    static func byteCapacity(_ version: Int, _ level: QRCorrectionLevel) -> Int {
        (dataCodewords(version, level) * 8 - 4 - byteCountBits(version)) / 8
    }
}
