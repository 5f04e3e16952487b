/// The BCH-protected words that tell a reader how a symbol was built: the format information
/// (level and mask, clause 7.9) and, from version 7, the version information (clause 7.10).
enum QRFormatInformation {
    /// 15 bits: 2 level bits and 3 mask bits, a (15,5) BCH code with generator 0x537, then
    /// xor 0x5412 so the word is never all zero.
    static func formatBits(level: QRCorrectionLevel, mask: Int) -> Int {
        let data = level.formatBits << 3 | mask
        var remainder = data
        for _ in 0..<10 {
            remainder = (remainder << 1) ^ ((remainder >> 9) * 0x537)
        }
        return (data << 10 | remainder) ^ 0x5412
    }

    /// 18 bits: the 6-bit version and a (18,6) Golay code with generator 0x1F25.
    static func versionBits(_ version: Int) -> Int {
        var remainder = version
        for _ in 0..<12 {
            remainder = (remainder << 1) ^ ((remainder >> 11) * 0x1F25)
        }
        return version << 12 | remainder
    }
}
