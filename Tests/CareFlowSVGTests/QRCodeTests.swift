@testable import CareFlowSVG
import Testing

@Suite struct QRCodeTests {
    static let otpauth = "otpauth://totp/CareFlow:admin%40example.org?secret=JBSWY3DPEHPK3PXP&issuer=CareFlow&algorithm=SHA1&digits=6&period=30"
    /// 300 bytes: past version 9's 180 bytes at level M, so the count takes 16 bits and the
    /// symbol carries version information.
    static let long = String(repeating: "CareFlow ward round 012345678 ", count: 10)
    static let utf8 = "Kigali — Ubuzima bwiza ✓ café 病院 🏥"

    /// Lengths picked to reach many versions, blocks of two lengths, and the largest symbol.
    static let sweep = [43, 107, 500, 1000, 2331].map { count in
        String((0..<count).map { Character(UnicodeScalar(UInt8(33 + ($0 * 7) % 90))) })
    }
    static let comparedTexts = ["CareFlow", otpauth, long, utf8, "", "x"] + sweep

    // MARK: Against segno

    @Test("Version, mask and every module equal segno's", .enabled(if: Segno.enabled, "python3 with segno not found"),
          arguments: comparedTexts)
    func matchesSegno(text: String) async throws {
        guard Segno.available else {
            Issue.record("python3 with segno is not available (pip install segno) and CAREFLOW_REQUIRE_INTEROP=1")
            return
        }
        let reference = try await Segno.symbol(text)
        let code = try QRCode(text)
        #expect(code.version == reference.version)
        #expect(code.size == reference.version * 4 + 17)
        #expect(code.mask == reference.mask)
        try #require(reference.rows.count == code.size)
        var differing = 0
        for (y, row) in reference.rows.enumerated() {
            for (x, module) in row.enumerated() where code.isDark(x: x, y: y) != (module == "1") {
                differing += 1
            }
        }
        #expect(differing == 0, "\(differing) modules differ from segno's")
    }

    @Test("A QR reader (zxing-cpp) decodes the text back, at every level", .enabled(if: ZXing.enabled, "python3 with zxing-cpp not found"),
          arguments: [otpauth, long, utf8])
    func readerDecodesIt(text: String) async throws {
        guard ZXing.available else {
            Issue.record("python3 with zxing-cpp and numpy is not available (pip install zxing-cpp) and CAREFLOW_REQUIRE_INTEROP=1")
            return
        }
        for (level, name) in [(QRCorrectionLevel.low, "L"), (.medium, "M"), (.quartile, "Q"), (.high, "H")] {
            let code = try QRCode(text, correction: level)
            let rows = (0..<code.size).map { y in String((0..<code.size).map { code.isDark(x: $0, y: y) ? "1" : "0" }) }
            let readings = try await ZXing.read(rows)
            #expect(readings.count == 1, "level \(name): \(readings.count) symbols read")
            #expect(readings.first?.text == text, "level \(name)")
            #expect(readings.first?.ecLevel == name)
        }
    }

    @Test func theCasesCoverTheStructuresTheyAreMeantTo() throws {
        #expect(Array(Self.long.utf8).count == 300)
        #expect(try QRCode(Self.long).version >= 10)
        #expect(Array(Self.utf8.utf8).count > Self.utf8.count, "the UTF-8 text has multi-byte characters")
    }

    // MARK: From the standard

    /// ISO/IEC 18004 Annex I: "01234567" as version 1-M; its 16 data codewords and the 10
    /// error-correction codewords the standard lists for them.
    @Test func reedSolomonOfTheAnnexIExample() {
        let data: [UInt8] = [0x10, 0x20, 0x0C, 0x56, 0x61, 0x80, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11]
        let ecc: [UInt8] = [0xA5, 0x24, 0xD4, 0xC1, 0xED, 0x36, 0xC7, 0x87, 0x2C, 0x55]
        #expect(ReedSolomon.errorCorrection(for: data, count: 10) == ecc)
    }

    /// Annex C: level M (00) with mask 101 gives 100000011001110 after the xor with 101010000010010.
    @Test func formatInformation() {
        #expect(QRFormatInformation.formatBits(level: .medium, mask: 5) == 0b100000011001110)
        #expect(QRFormatInformation.formatBits(level: .medium, mask: 0) == 0b101010000010010)
        #expect(QRFormatInformation.formatBits(level: .low, mask: 0) == 0b111011111000100)
        #expect(QRFormatInformation.formatBits(level: .high, mask: 0) == 0b001011010001001)
    }

    /// Annex D: version 7 is 000111 110010 010100.
    @Test func versionInformation() {
        #expect(QRFormatInformation.versionBits(7) == 0x07C94)
        #expect(QRFormatInformation.versionBits(40) == 0x28C69)
    }

    /// Byte-mode capacities of Table 7 decide the version: the last byte that fits and the first
    /// that does not.
    @Test(arguments: [(14, 1), (15, 2), (26, 2), (27, 3), (84, 5), (180, 9), (181, 10), (2331, 40)])
    func smallestVersionThatFits(bytes: Int, version: Int) throws {
        #expect(try QRCode(String(repeating: "a", count: bytes)).version == version)
    }

    @Test func otherLevelsChooseTheirOwnVersions() throws {
        #expect(try QRCode(String(repeating: "a", count: 17), correction: .low).version == 1)
        #expect(try QRCode(String(repeating: "a", count: 8), correction: .quartile).version == 1)
        #expect(try QRCode(String(repeating: "a", count: 9), correction: .high).version == 2)
        #expect(try QRCode(String(repeating: "a", count: 2953), correction: .low).version == 40)
        #expect(try QRCode(String(repeating: "a", count: 1273), correction: .high).version == 40)
    }

    @Test func aTextTooLongIsRefusedClearly() {
        #expect(throws: QRCodeError.textTooLong(byteCount: 2332, maximum: 2331)) {
            try QRCode(String(repeating: "a", count: 2332))
        }
        #expect(throws: QRCodeError.textTooLong(byteCount: 1274, maximum: 1273)) {
            try QRCode(String(repeating: "a", count: 1274), correction: .high)
        }
        #expect(QRCodeError.textTooLong(byteCount: 2332, maximum: 2331).description.contains("2331"))
    }

    /// The finder patterns sit in three corners and the quiet zone is light.
    @Test func finderPatternsAndQuietZone() throws {
        let code = try QRCode(Self.otpauth)
        let finderRows = ["1111111", "1000001", "1011101", "1011101", "1011101", "1000001", "1111111"]
        for (ox, oy) in [(0, 0), (code.size - 7, 0), (0, code.size - 7)] {
            for (dy, row) in finderRows.enumerated() {
                for (dx, module) in row.enumerated() {
                    #expect(code.isDark(x: ox + dx, y: oy + dy) == (module == "1"))
                }
            }
        }
        #expect(!code.isDark(x: -1, y: 0) && !code.isDark(x: 0, y: code.size))
        #expect(code.isDark(x: 8, y: code.size - 8), "the dark module")
    }
}
