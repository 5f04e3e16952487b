import Crypto
import Foundation
import ProcessSpawn
import Testing
import _CryptoExtras
@testable import CareFlowCore

// MARK: - Fixtures

/// The published Fernet spec vectors (fernet/spec), copied from /work/shared/specs/fernet-vectors
/// so a fresh clone has them. Located with #filePath: the test target declares no resources.
private enum FernetVectors {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/fernet-vectors")

    struct Generate: Decodable { let token, now, src, secret: String; let iv: [UInt8] }
    struct Verify: Decodable { let token, now, src, secret: String; let ttl_sec: Int }
    struct Invalid: Decodable { let desc, token, now, secret: String; let ttl_sec: Int }

    static func load<T: Decodable>(_ name: String, as: T.Type) throws -> [T] {
        try JSONDecoder().decode([T].self, from: Data(contentsOf: directory.appendingPathComponent(name)))
    }

    /// RFC 3339, e.g. `1985-10-26T01:20:01-07:00`.
    static func date(_ text: String) throws -> Date {
        try #require(ISO8601DateFormatter().date(from: text), "bad RFC 3339 time \(text)")
    }

    /// The spec's own example (fernet.md): key 0x00…0x1f, time 499162800, IV 0x00…0x0f, "hello".
    static let helloKey = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
    static let helloToken =
        "gAAAAAAdwJ6wAAECAwQFBgcICQoLDA0OD4_9EBVfNSDZ7XtRxaHNdkW99QsUAt9pmRctkSzQxwX8ezo1JYkB0XAhlhuGaD6Beg=="
    static let helloTime = Date(timeIntervalSince1970: 499_162_800)
}

/// Test-side reference pieces (Foundation base64 and swift-crypto primitives, independent of the
/// implementation's fast paths) to forge tokens that are correctly signed but otherwise wrong.
enum FernetForge {
    static func b64url(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
    }

    static func unb64url(_ token: String) -> [UInt8]? {
        Data(base64Encoded: token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/"))
            .map { [UInt8]($0) }
    }

    /// version ‖ ts ‖ iv ‖ ciphertext ‖ HMAC, with a genuine HMAC under `key`'s signing half.
    static func token(key: FernetKey, version: UInt8 = 0x80, timestamp: UInt64, iv: [UInt8], ciphertext: [UInt8]) -> String {
        var body: [UInt8] = [version]
        withUnsafeBytes(of: timestamp.bigEndian) { body.append(contentsOf: $0) }
        body += iv + ciphertext
        let mac = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: key.rawBytes[0..<16]))
        return b64url(body + Array(mac))
    }

    /// Raw AES-128-CBC without padding, so the caller chooses the (possibly bad) padding bytes.
    static func cbc(key: FernetKey, iv: [UInt8], blocks: [UInt8]) throws -> [UInt8] {
        Array(try AES._CBC.encrypt(blocks, using: SymmetricKey(data: key.rawBytes[16..<32]), iv: AES._CBC.IV(ivBytes: iv), noPadding: true))
    }
}

// MARK: - Python `cryptography` oracle

/// Runs `python3 -c`. When python3 or `cryptography` is missing the interop tests are skipped,
/// unless `CAREFLOW_REQUIRE_INTEROP=1`, in which case they run and record a failure.
enum FernetPython {
    static let required = ProcessInfo.processInfo.environment["CAREFLOW_REQUIRE_INTEROP"] == "1"
    static let python3: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/python3" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()
    static let available: Bool = {
        guard python3 != nil else { return false }
        return (try? run("import cryptography.fernet"))?.status == 0
    }()
    static var enabled: Bool { available || required }

    struct Output { let status: Int32; let stdout: String; let stderr: String }

    static func run(_ script: String, _ arguments: [String] = []) throws -> Output {
        let process = ChildProcess()
        process.executableURL = URL(fileURLWithPath: try #require(python3))
        process.arguments = ["-c", script] + arguments
        // Temporary files rather than pipes: no deadlock whatever either stream's size.
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fernet-py-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let outURL = directory.appendingPathComponent("out"), errURL = directory.appendingPathComponent("err")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try out.close()
        try err.close()
        return Output(
            status: process.terminationStatus,
            stdout: String(decoding: try Data(contentsOf: outURL), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines),
            stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
    }

    /// Runs `script`, or records why it cannot (only reached when `required`).
    static func check(_ script: String, _ arguments: [String] = [], sourceLocation: SourceLocation = #_sourceLocation) async throws -> String? {
        guard available else {
            Issue.record("CAREFLOW_REQUIRE_INTEROP=1 but python3 with `cryptography` is not available", sourceLocation: sourceLocation)
            return nil
        }
        // Waited for off the cooperative pool, which every test in the process shares.
        let output = try await offThePool { try run(script, arguments) }
        #expect(output.status == 0, "python3 failed: \(output.stderr)", sourceLocation: sourceLocation)
        return output.status == 0 ? output.stdout : nil
    }
}

private func hex(_ bytes: some Sequence<UInt8>) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

private func unhex(_ text: some StringProtocol) -> [UInt8] {
    var result: [UInt8] = []
    var index = text.startIndex
    while index < text.endIndex {
        let next = text.index(index, offsetBy: 2)
        result.append(UInt8(text[index..<next], radix: 16)!)
        index = next
    }
    return result
}

private func randomBytes(_ count: Int) -> [UInt8] {
    var generator = SystemRandomNumberGenerator()
    return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
}

// MARK: - Tests

@Suite("Fernet (spec vectors, tampering, MultiFernet, Python interop)")
struct FernetTests {
    // MARK: Spec vectors

    @Test("generate.json: exact tokens from secret, IV, time and plaintext")
    func generateVectors() throws {
        let vectors = try FernetVectors.load("generate.json", as: FernetVectors.Generate.self)
        #expect(!vectors.isEmpty)
        for vector in vectors {
            let fernet = Fernet(key: try FernetKey(base64URL: vector.secret))
            let token = fernet.encrypt(Array(vector.src.utf8), iv: vector.iv, now: try FernetVectors.date(vector.now))
            #expect(token == vector.token)
        }
    }

    @Test("verify.json: plaintext at the given time and TTL")
    func verifyVectors() throws {
        let vectors = try FernetVectors.load("verify.json", as: FernetVectors.Verify.self)
        #expect(!vectors.isEmpty)
        for vector in vectors {
            let fernet = Fernet(key: try FernetKey(base64URL: vector.secret))
            let plaintext = try fernet.decrypt(vector.token, ttl: TimeInterval(vector.ttl_sec), now: try FernetVectors.date(vector.now))
            #expect(plaintext == Data(vector.src.utf8))
        }
    }

    @Test("invalid.json: every case is rejected")
    func invalidVectors() throws {
        let vectors = try FernetVectors.load("invalid.json", as: FernetVectors.Invalid.self)
        #expect(vectors.count == 8)
        for vector in vectors {
            let fernet = Fernet(key: try FernetKey(base64URL: vector.secret))
            let now = try FernetVectors.date(vector.now)
            #expect(throws: FernetError.invalidToken, "\(vector.desc)") {
                try fernet.decrypt(vector.token, ttl: TimeInterval(vector.ttl_sec), now: now)
            }
            #expect(throws: FernetError.invalidToken, "\(vector.desc) (MultiFernet)") {
                try MultiFernet(keys: [FernetKey.generate(), fernet.key]).decrypt(vector.token, ttl: TimeInterval(vector.ttl_sec), now: now)
            }
        }
    }

    @Test("The spec's hello vector, both ways")
    func helloVector() throws {
        let key = try FernetKey(base64URL: FernetVectors.helloKey)
        #expect(key.rawBytes == Array(0...31))
        let fernet = Fernet(key: key)
        let token = fernet.encrypt(Array("hello".utf8), iv: Array(0...15), now: FernetVectors.helloTime)
        #expect(token == FernetVectors.helloToken)
        #expect(try fernet.decrypt(FernetVectors.helloToken, now: FernetVectors.helloTime) == Data("hello".utf8))
        #expect(try fernet.extractTimestamp(FernetVectors.helloToken) == FernetVectors.helloTime)
    }

    // MARK: Round trips and the token layout

    @Test("Round trip at every size around the block boundaries", arguments: [0, 1, 15, 16, 17, 31, 32, 33, 1024, 100_000])
    func roundTrip(size: Int) throws {
        let fernet = Fernet(key: .generate())
        let plaintext = randomBytes(size)
        let now = Date()
        let token = fernet.encrypt(plaintext, now: now)
        #expect(try fernet.decrypt(token) == Data(plaintext))
        #expect(try fernet.decrypt(token, ttl: 60, now: now) == Data(plaintext))

        // Layout: canonical padded base64url; 0x80 ‖ ts ‖ IV ‖ n·16 ‖ 32.
        #expect(token.count % 4 == 0)
        #expect(token.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_=".contains($0)) })
        let raw = try #require(FernetForge.unb64url(token))
        #expect(FernetForge.b64url(raw) == token)
        #expect(raw.count == 1 + 8 + 16 + (size / 16 + 1) * 16 + 32)
        #expect(raw[0] == 0x80)
        #expect(raw[1..<9].reduce(UInt64(0)) { $0 << 8 | UInt64($1) } == UInt64(now.timeIntervalSince1970))
    }

    @Test("Fresh IV per token; the fast base64 codec agrees with Foundation at every length")
    func ivAndBase64() throws {
        let fernet = Fernet(key: .generate())
        let tokens = Set((0..<50).map { _ in fernet.encrypt(Array("same".utf8)) })
        #expect(tokens.count == 50)
        for length in 0...70 {
            let bytes = randomBytes(length)
            let encoded = bytes.withUnsafeBytes { FernetBase64.encode($0) }
            #expect(encoded == FernetForge.b64url(bytes))
            var copy = encoded
            #expect(copy.withUTF8 { FernetBase64.decode($0) } == (length == 0 ? nil : bytes))
        }
    }

    // MARK: Tampering

    @Test("One flipped bit in any byte of the decoded token is rejected")
    func flippedBytes() throws {
        let key = FernetKey.generate()
        let fernet = Fernet(key: key)
        for plaintext in [Array("hello".utf8), randomBytes(100)] {
            let token = fernet.encrypt(plaintext)
            let raw = try #require(FernetForge.unb64url(token))
            for index in raw.indices {
                for bit in [0, 7] {
                    var tampered = raw
                    tampered[index] ^= 1 << bit
                    #expect(throws: FernetError.invalidToken, "byte \(index) bit \(bit)") {
                        try fernet.decrypt(FernetForge.b64url(tampered))
                    }
                }
            }
            #expect(try fernet.decrypt(token) == Data(plaintext))
        }
    }

    @Test("Any changed character of the token string is rejected (strict, canonical base64)")
    func changedCharacters() throws {
        let fernet = Fernet(key: .generate())
        let token = fernet.encrypt(Array("a PHI field".utf8))
        let characters = Array(token.utf8)
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
        for index in characters.indices {
            // Neighbouring alphabet characters (differ in the low bits, which for the last
            // character before `=` are unused bits), plus characters Python would map or drop.
            let position = alphabet.firstIndex(of: characters[index]) ?? 0
            let replacements = [alphabet[(position + 1) % 64], alphabet[(position + 63) % 64], UInt8(ascii: "+"),
                                UInt8(ascii: "/"), UInt8(ascii: "="), UInt8(ascii: " "), UInt8(ascii: "%")]
            for replacement in replacements where replacement != characters[index] {
                var tampered = characters
                tampered[index] = replacement
                #expect(throws: FernetError.invalidToken, "char \(index) -> \(Character(UnicodeScalar(replacement)))") {
                    try fernet.decrypt(String(decoding: tampered, as: UTF8.self))
                }
            }
        }
        // Whitespace or missing padding are not silently repaired either.
        for variant in [token + "\n", " " + token, String(token.dropLast(1)), token + "=", token + "===="] {
            #expect(throws: FernetError.invalidToken) { try fernet.decrypt(variant) }
        }
    }

    @Test("Truncated tokens (string or decoded bytes) and garbage are rejected")
    func truncated() throws {
        let fernet = Fernet(key: .generate())
        let token = fernet.encrypt(randomBytes(40))
        for length in 0..<token.count {
            #expect(throws: FernetError.invalidToken, "prefix \(length)") { try fernet.decrypt(String(token.prefix(length))) }
        }
        let raw = try #require(FernetForge.unb64url(token))
        for length in 0..<raw.count {
            #expect(throws: FernetError.invalidToken, "bytes \(length)") {
                try fernet.decrypt(FernetForge.b64url(Array(raw.prefix(length))))
            }
        }
        for garbage in ["", "====", "gA==", "gAAAAA", String(repeating: "A", count: 120), "é" + token.dropFirst()] {
            #expect(throws: FernetError.invalidToken) { try fernet.decrypt(garbage) }
        }
    }

    @Test("Wrong key is rejected, by Fernet and by extractTimestamp")
    func wrongKey() throws {
        let token = Fernet(key: .generate()).encrypt(Array("x".utf8))
        let other = Fernet(key: .generate())
        #expect(throws: FernetError.invalidToken) { try other.decrypt(token) }
        #expect(throws: FernetError.invalidToken) { try other.extractTimestamp(token) }
    }

    @Test("A correctly signed token with another version byte is rejected")
    func wrongVersion() throws {
        let key = FernetKey.generate()
        let fernet = Fernet(key: key)
        let iv = randomBytes(16)
        let ciphertext = try FernetForge.cbc(key: key, iv: iv, blocks: Array("hello".utf8) + Array(repeating: 11, count: 11))
        let now = UInt64(Date().timeIntervalSince1970)
        // The forge is faithful: with 0x80 it decrypts.
        let good = FernetForge.token(key: key, timestamp: now, iv: iv, ciphertext: ciphertext)
        #expect(try fernet.decrypt(good) == Data("hello".utf8))
        for version: UInt8 in [0x00, 0x7F, 0x81, 0x91, 0xFF] {
            let token = FernetForge.token(key: key, version: version, timestamp: now, iv: iv, ciphertext: ciphertext)
            #expect(throws: FernetError.invalidToken, "version \(version)") { try fernet.decrypt(token) }
            #expect(throws: FernetError.invalidToken) { try fernet.extractTimestamp(token) }
        }
    }

    @Test("A correctly signed token with bad PKCS#7 padding is rejected")
    func badPadding() throws {
        let key = FernetKey.generate()
        let fernet = Fernet(key: key)
        let iv = randomBytes(16)
        let now = UInt64(Date().timeIntervalSince1970)
        let body = Array("0123456789abcdef".utf8)  // one full block, then the chosen last block
        let badLastBlocks: [[UInt8]] = [
            Array(repeating: 0, count: 16),  // pad length 0
            Array(repeating: 17, count: 16),  // pad length > block size
            Array(repeating: 0x41, count: 14) + [3, 2],  // inconsistent
            Array(repeating: 0x41, count: 13) + [2, 3, 3],  // 3 claimed, only 2 match
            Array(repeating: 0x41, count: 15) + [0xFF],
        ]
        for last in badLastBlocks {
            let token = FernetForge.token(key: key, timestamp: now, iv: iv, ciphertext: try FernetForge.cbc(key: key, iv: iv, blocks: body + last))
            #expect(throws: FernetError.invalidToken, "\(last)") { try fernet.decrypt(token) }
        }
        // Sanity: valid padding with the same forge decrypts.
        let valid = FernetForge.token(key: key, timestamp: now, iv: iv,
                                      ciphertext: try FernetForge.cbc(key: key, iv: iv, blocks: body + Array(repeating: 16, count: 16)))
        #expect(try fernet.decrypt(valid) == Data(body))
        // Ciphertext that is not a whole number of blocks, correctly signed.
        let ragged = FernetForge.token(key: key, timestamp: now, iv: iv, ciphertext: randomBytes(20))
        #expect(throws: FernetError.invalidToken) { try fernet.decrypt(ragged) }
    }

    @Test("TTL and clock skew boundaries")
    func timeChecks() throws {
        let fernet = Fernet(key: .generate())
        let issued = Date(timeIntervalSince1970: 1_700_000_000)
        let token = fernet.encrypt(Array("t".utf8), now: issued)
        #expect(try fernet.decrypt(token, ttl: 60, now: issued.addingTimeInterval(60)) == Data("t".utf8))
        #expect(try fernet.decrypt(token, ttl: 60, now: issued.addingTimeInterval(60.9)) == Data("t".utf8))  // whole seconds, like Python
        #expect(throws: FernetError.invalidToken) { try fernet.decrypt(token, ttl: 60, now: issued.addingTimeInterval(61)) }
        #expect(try fernet.decrypt(token, now: issued.addingTimeInterval(1e9)) == Data("t".utf8))  // no TTL: no expiry
        // Clock skew: a token up to 60 s in the future is accepted, 61 s is not (TTL or not).
        #expect(try fernet.decrypt(token, now: issued.addingTimeInterval(-60)) == Data("t".utf8))
        #expect(throws: FernetError.invalidToken) { try fernet.decrypt(token, now: issued.addingTimeInterval(-61)) }
        #expect(throws: FernetError.invalidToken) { try fernet.decrypt(token, ttl: 3600, now: issued.addingTimeInterval(-61)) }
        // Far-future and pre-1970 clocks do not trap.
        let far = Fernet(key: fernet.key).encrypt(Array("f".utf8), now: Date(timeIntervalSince1970: 1.9e19))
        #expect(throws: FernetError.invalidToken) { try fernet.decrypt(far) }
        #expect(throws: FernetError.invalidToken) { try fernet.decrypt(token, now: Date(timeIntervalSince1970: -1e12)) }
        #expect(try fernet.extractTimestamp(token) == issued)
    }

    // MARK: Keys

    @Test("Keys: parsing, generation, raw bytes, equality")
    func keys() throws {
        let key = FernetKey.generate()
        #expect(key.base64URL.count == 44)
        #expect(try FernetKey(base64URL: key.base64URL) == key)
        #expect(try FernetKey(bytes: key.rawBytes) == key)
        #expect(FernetKey.generate() != key)
        #expect(try FernetKey(bytes: Data(0...31)).base64URL == FernetVectors.helloKey)
        let invalid = [
            "", String(FernetVectors.helloKey.dropLast()),  // unpadded (Python rejects it too)
            FernetVectors.helloKey + "=", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHg==",  // 31 bytes
            "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gIQ==",  // 34 bytes
            "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh+=", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxw/Hh8=",
            " AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh9=",
        ]
        for text in invalid {
            #expect(throws: FernetError.invalidKey, "\(text)") { try FernetKey(base64URL: text) }
        }
        #expect(throws: FernetError.invalidKey) { try FernetKey(bytes: [UInt8](repeating: 1, count: 16)) }
    }

    @Test("Key material never appears in descriptions, debug output or dump")
    func redaction() throws {
        let key = try FernetKey(base64URL: "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=")
        var dumped = ""
        dump(key, to: &dumped)
        dump(Fernet(key: key), to: &dumped)
        dump(MultiFernet(keys: [key]), to: &dumped)
        let rendered = [String(describing: key), String(reflecting: key), "\(key)", dumped,
                        String(describing: Fernet(key: key)), String(reflecting: MultiFernet(keys: [key]))]
        let fragments = [key.base64URL, String(key.base64URL.prefix(12)), hex(key.rawBytes.prefix(8)),
                         key.rawBytes.prefix(4).map(String.init).joined(separator: ", ")]
        for text in rendered {
            for fragment in fragments { #expect(!text.contains(fragment), "\(text)") }
        }
        #expect(String(describing: key) == "FernetKey(<redacted>)")
    }

    // MARK: MultiFernet

    @Test("MultiFernet: decrypts old-key tokens, encrypts with the first key, rotate keeps the timestamp")
    func multiFernet() throws {
        let old = FernetKey.generate(), new = FernetKey.generate()
        let issued = Date(timeIntervalSince1970: 1_600_000_000)
        let oldToken = Fernet(key: old).encrypt(Array("legacy".utf8), now: issued)

        let multi = MultiFernet(keys: [new, old])
        #expect(try multi.decrypt(oldToken) == Data("legacy".utf8))
        #expect(try multi.extractTimestamp(oldToken) == issued)

        let fresh = multi.encrypt(Array("current".utf8))
        #expect(try Fernet(key: new).decrypt(fresh) == Data("current".utf8))
        #expect(throws: FernetError.invalidToken) { try Fernet(key: old).decrypt(fresh) }

        let rotated = try multi.rotate(oldToken)
        #expect(rotated != oldToken)
        #expect(try Fernet(key: new).decrypt(rotated) == Data("legacy".utf8))
        #expect(throws: FernetError.invalidToken) { try Fernet(key: old).decrypt(rotated) }
        #expect(try Fernet(key: new).extractTimestamp(rotated) == issued)
        // Rotation ignores age (old data must rotate), TTL still sees the original time.
        #expect(throws: FernetError.invalidToken) { try multi.decrypt(rotated, ttl: 60, now: issued.addingTimeInterval(3600)) }
        #expect(try multi.decrypt(rotated, ttl: 60, now: issued.addingTimeInterval(30)) == Data("legacy".utf8))
        // Rotating twice is fine; unknown keys and garbage are not.
        #expect(try Fernet(key: new).decrypt(multi.rotate(rotated)) == Data("legacy".utf8))
        #expect(throws: FernetError.invalidToken) { try MultiFernet(keys: [new]).rotate(oldToken) }
        #expect(throws: FernetError.invalidToken) { try multi.rotate("not a token") }
        #expect(throws: FernetError.invalidToken) { try MultiFernet(keys: [FernetKey.generate()]).decrypt(oldToken) }
        // TTL and skew apply in MultiFernet.decrypt like in Fernet.decrypt.
        #expect(throws: FernetError.invalidToken) { try multi.decrypt(oldToken, ttl: 60, now: issued.addingTimeInterval(61)) }
        #expect(throws: FernetError.invalidToken) { try multi.decrypt(oldToken, now: issued.addingTimeInterval(-61)) }
    }

    @Test("MultiFernet(commaSeparatedKeys:) as for CAREFLOW_MASTER_KEYS")
    func multiFernetParsing() throws {
        let a = FernetKey.generate(), b = FernetKey.generate()
        let multi = try MultiFernet(commaSeparatedKeys: " \(a.base64URL) ,\(b.base64URL)\n")
        #expect(multi.fernets.map(\.key) == [a, b])
        #expect(multi.currentKey == a)
        for bad in ["", " ", "\(a.base64URL),", "\(a.base64URL),,\(b.base64URL)", "nope"] {
            #expect(throws: FernetError.invalidKey, "\(bad)") { try MultiFernet(commaSeparatedKeys: bad) }
        }
    }

    // MARK: Python interop

    @Test("Interop: Python cryptography decrypts CareFlow tokens", .enabled(if: FernetPython.enabled))
    func swiftToPython() async throws {
        let key = FernetKey.generate()
        let fernet = Fernet(key: key)
        let plaintexts = [[UInt8](), Array("hello".utf8), Array("Ñandú — 患者".utf8), randomBytes(16), randomBytes(1024)]
        let tokens = plaintexts.map { fernet.encrypt($0) }
        let script = """
            import sys
            from cryptography.fernet import Fernet
            f = Fernet(sys.argv[1].encode())
            for t in sys.argv[2:]:
                print(f.decrypt(t.encode(), ttl=60).hex() or "-")
            """
        guard let output = try await FernetPython.check(script, [key.base64URL] + tokens) else { return }
        let lines = output.split(separator: "\n").map { $0 == "-" ? [] : unhex($0) }
        #expect(lines == plaintexts)
    }

    @Test("Interop: CareFlow decrypts Python cryptography tokens and keys", .enabled(if: FernetPython.enabled))
    func pythonToSwift() async throws {
        let script = """
            import os
            from cryptography.fernet import Fernet
            key = Fernet.generate_key()
            print(key.decode())
            for n in (0, 1, 15, 16, 17, 1024, 5000):
                p = os.urandom(n)
                print(p.hex() or "-", Fernet(key).encrypt(p).decode())
            """
        guard let output = try await FernetPython.check(script) else { return }
        var lines = output.split(separator: "\n")
        let fernet = Fernet(key: try FernetKey(base64URL: String(lines.removeFirst())))
        #expect(lines.count == 7)
        for line in lines {
            let parts = line.split(separator: " ")
            let expected = parts[0] == "-" ? [] : unhex(parts[0])
            #expect(try fernet.decrypt(String(parts[1]), ttl: 60) == Data(expected))
        }
    }

    @Test("Interop: rotation both ways (Python MultiFernet.rotate, CareFlow MultiFernet.rotate)", .enabled(if: FernetPython.enabled))
    func rotationInterop() async throws {
        let old = FernetKey.generate(), new = FernetKey.generate()
        let issued = Date(timeIntervalSince1970: 1_650_000_000)
        let oldToken = Fernet(key: old).encrypt(Array("rotate me".utf8), now: issued)
        let swiftRotated = try MultiFernet(keys: [new, old]).rotate(oldToken)
        let script = """
            import sys
            from cryptography.fernet import Fernet, MultiFernet
            new, old, old_token, swift_rotated = sys.argv[1:5]
            mf = MultiFernet([Fernet(new.encode()), Fernet(old.encode())])
            print(Fernet(new.encode()).decrypt(swift_rotated.encode()).decode())
            print(Fernet(new.encode()).extract_timestamp(swift_rotated.encode()))
            print(mf.rotate(old_token.encode()).decode())
            """
        guard let output = try await FernetPython.check(script, [new.base64URL, old.base64URL, oldToken, swiftRotated]) else { return }
        let lines = output.split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        guard lines.count == 3 else { return }
        #expect(lines[0] == "rotate me")
        #expect(lines[1] == "1650000000")
        #expect(try Fernet(key: new).decrypt(lines[2]) == Data("rotate me".utf8))
        #expect(try Fernet(key: new).extractTimestamp(lines[2]) == issued)
    }

    @Test("Interop: Python rejects a CareFlow token under another key and after tampering", .enabled(if: FernetPython.enabled))
    func pythonRejects() async throws {
        let key = FernetKey.generate()
        var raw = try #require(FernetForge.unb64url(Fernet(key: key).encrypt(Array("x".utf8))))
        raw[30] ^= 1
        let script = """
            import sys
            from cryptography.fernet import Fernet, InvalidToken
            for k, t in ((sys.argv[1], sys.argv[2]), (sys.argv[3], sys.argv[4])):
                try:
                    Fernet(k.encode()).decrypt(t.encode()); print("accepted")
                except InvalidToken:
                    print("rejected")
            """
        let arguments = [FernetKey.generate().base64URL, Fernet(key: key).encrypt(Array("x".utf8)), key.base64URL, FernetForge.b64url(raw)]
        guard let output = try await FernetPython.check(script, arguments) else { return }
        #expect(output == "rejected\nrejected")
    }

    // MARK: Benchmark smoke test

    @Test("CryptoBenchmark.fernet runs and reports positive rates")
    func benchmarkSmoke() {
        let result = CryptoBenchmark.fernet(iterations: 200)
        #expect(result.encryptPerSecond > 0)
        #expect(result.decryptPerSecond > 0)
        let report = CryptoBenchmark.fernetReport(iterations: 50)
        #expect(report.hasPrefix("swift fernet encrypt_per_s="))
        #expect(report.contains(" decrypt_per_s="))
    }
}
