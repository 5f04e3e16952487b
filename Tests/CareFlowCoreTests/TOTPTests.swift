import Foundation
import ProcessSpawn
import Testing
@testable import CareFlowCore

/// External oracles (oathtool from Debian's `oathtool`, Python's `pyotp`). When one is missing the
/// test is skipped, unless `CAREFLOW_REQUIRE_INTEROP=1`, in which case it runs and records a failure.
enum Interop {
    static let required = ProcessInfo.processInfo.environment["CAREFLOW_REQUIRE_INTEROP"] == "1"

    static let oathtool: String? = executable("oathtool")
    static let python3: String? = executable("python3")
    static let pyotpAvailable: Bool = {
        guard let python3 else { return false }
        return (try? runBlocking(python3, ["-c", "import pyotp"]))?.status == 0
    }()

    static var oathtoolEnabled: Bool { oathtool != nil || required }
    static var pyotpEnabled: Bool { pyotpAvailable || required }

    static func executable(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for dir in path.split(separator: ":") {
            let candidate = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    struct Output { let status: Int32; let stdout: String; let stderr: String }

    /// Waited for off the cooperative pool, which every test in the process shares.
    static func run(_ executable: String, _ arguments: [String]) async throws -> Output {
        try await offThePool { try runBlocking(executable, arguments) }
    }

    static func runBlocking(_ executable: String, _ arguments: [String]) throws -> Output {
        let process = ChildProcess()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(
            status: process.terminationStatus,
            stdout: String(decoding: stdout, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines),
            stderr: String(decoding: stderr, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }
}

@Suite("TOTP (RFC 6238)")
struct TOTPTests {
    static let sha1Secret = Array("12345678901234567890".utf8)
    static let sha256Secret = Array("12345678901234567890123456789012".utf8)
    static let sha512Secret = Array("1234567890123456789012345678901234567890123456789012345678901234".utf8)

    /// RFC 6238 Appendix B: time, SHA-1, SHA-256, SHA-512 (8 digits).
    static let appendixB: [(Int64, String, String, String)] = [
        (59, "94287082", "46119246", "90693936"),
        (1_111_111_109, "07081804", "68084774", "25091201"),
        (1_111_111_111, "14050471", "67062674", "99943326"),
        (1_234_567_890, "89005924", "91819424", "93441116"),
        (2_000_000_000, "69279037", "90698825", "38618901"),
        (20_000_000_000, "65353130", "77737706", "47863826"),
    ]

    static func date(_ unix: Int64) -> Date { Date(timeIntervalSince1970: TimeInterval(unix)) }

    // MARK: - RFC vectors

    @Test("RFC 6238 Appendix B, SHA-1, 8 and 6 digits", arguments: appendixB)
    func sha1Vectors(vector: (Int64, String, String, String)) {
        let (time, sha1, _, _) = vector
        #expect(TOTP(secret: Self.sha1Secret, digits: 8).code(at: Self.date(time)) == sha1)
        #expect(TOTP(secret: Self.sha1Secret).code(at: Self.date(time)) == String(sha1.suffix(6)))
    }

    @Test("RFC 6238 Appendix B, SHA-256 and SHA-512, 8 digits", arguments: appendixB)
    func sha2Vectors(vector: (Int64, String, String, String)) {
        let (time, _, sha256, sha512) = vector
        #expect(TOTP(secret: Self.sha256Secret, digits: 8, algorithm: .sha256).code(at: Self.date(time)) == sha256)
        #expect(TOTP(secret: Self.sha512Secret, digits: 8, algorithm: .sha512).code(at: Self.date(time)) == sha512)
    }

    @Test("The spec's 6-digit table")
    func specTable() {
        let totp = TOTP(secret: Base32.decode("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")!)
        let table: [(Int64, String)] = [
            (59, "287082"), (1_111_111_109, "081804"), (1_111_111_111, "050471"),
            (1_234_567_890, "005924"), (2_000_000_000, "279037"), (20_000_000_000, "353130"),
        ]
        for (time, code) in table { #expect(totp.code(at: Self.date(time)) == code) }
    }

    @Test("Time steps: floor(unix / period)")
    func steps() {
        #expect(TOTP.step(at: Self.date(0), period: 30) == 0)
        #expect(TOTP.step(at: Self.date(29), period: 30) == 0)
        #expect(TOTP.step(at: Self.date(30), period: 30) == 1)
        #expect(TOTP.step(at: Self.date(59), period: 30) == 1)
        #expect(TOTP.step(at: Date(timeIntervalSince1970: 59.999), period: 30) == 1)
        #expect(TOTP.step(at: Self.date(1_111_111_111), period: 30) == 37_037_037)
        #expect(TOTP.step(at: Self.date(20_000_000_000), period: 30) == 666_666_666)
        #expect(TOTP.step(at: Self.date(120), period: 60) == 2)
        #expect(TOTP.step(at: Date(timeIntervalSince1970: -1), period: 30) == -1)
        let totp = TOTP(secret: Self.sha1Secret)
        #expect(totp.code(forStep: 37_037_037) == totp.code(at: Self.date(1_111_111_111)))
    }

    @Test("Codes are zero-padded to the digit count")
    func zeroPadding() {
        let totp = TOTP(secret: Self.sha1Secret)
        #expect(totp.code(at: Self.date(1_234_567_890)) == "005924")
        for step in Int64(0)..<500 {
            let code = totp.code(forStep: step)
            #expect(code.count == 6 && code.allSatisfy(\.isASCII) && code.allSatisfy(\.isNumber))
        }
    }

    @Test("Generated secrets are 20 random bytes")
    func generateSecret() {
        let a = TOTP.generateSecret(), b = TOTP.generateSecret()
        #expect(a.count == 20 && b.count == 20)
        #expect(a != b)
    }

    // MARK: - verify()

    static let now = date(1_111_111_111)  // step 37 037 037
    static let nowStep: Int64 = 37_037_037

    @Test("verify accepts the current, previous and next step and returns the matched step")
    func verifyWindow() {
        let totp = TOTP(secret: Self.sha1Secret)
        for offset in Int64(-1)...1 {
            let code = totp.code(forStep: Self.nowStep + offset)
            #expect(totp.verify(code, at: Self.now, lastAcceptedStep: nil) == Self.nowStep + offset)
        }
    }

    @Test("verify refuses codes two steps away (or more)")
    func verifyOutsideWindow() {
        let totp = TOTP(secret: Self.sha1Secret)
        for offset: Int64 in [-3, -2, 2, 3, 100] {
            let code = totp.code(forStep: Self.nowStep + offset)
            // Guard against an accidental collision with a code inside the window.
            let inWindow = (-1...1).map { totp.code(forStep: Self.nowStep + Int64($0)) }
            if inWindow.contains(code) { continue }
            #expect(totp.verify(code, at: Self.now, lastAcceptedStep: nil) == nil)
        }
        // A wider window accepts two steps away.
        let twoAhead = totp.code(forStep: Self.nowStep + 2)
        #expect(totp.verify(twoAhead, at: Self.now, window: 2, lastAcceptedStep: nil) == Self.nowStep + 2)
        // window 0: only the current step.
        #expect(totp.verify(totp.code(forStep: Self.nowStep), at: Self.now, window: 0, lastAcceptedStep: nil) == Self.nowStep)
        #expect(totp.verify(totp.code(forStep: Self.nowStep - 1), at: Self.now, window: 0, lastAcceptedStep: nil) == nil)
    }

    @Test("A code is accepted once: the same step is refused the second time")
    func verifyReplay() {
        let totp = TOTP(secret: Self.sha1Secret)
        let code = totp.code(forStep: Self.nowStep)
        let first = totp.verify(code, at: Self.now, lastAcceptedStep: nil)
        #expect(first == Self.nowStep)
        #expect(totp.verify(code, at: Self.now, lastAcceptedStep: first) == nil)
        // Still refused a step later, while it is within the window.
        #expect(totp.verify(code, at: Self.now.addingTimeInterval(30), lastAcceptedStep: first) == nil)
    }

    @Test("An older step after a newer one was used is refused; newer ones are still accepted")
    func verifyOlderAfterNewer() {
        let totp = TOTP(secret: Self.sha1Secret)
        let next = totp.code(forStep: Self.nowStep + 1)
        let current = totp.code(forStep: Self.nowStep)
        let previous = totp.code(forStep: Self.nowStep - 1)
        let accepted = totp.verify(next, at: Self.now, lastAcceptedStep: nil)
        #expect(accepted == Self.nowStep + 1)
        #expect(totp.verify(current, at: Self.now, lastAcceptedStep: accepted) == nil)
        #expect(totp.verify(previous, at: Self.now, lastAcceptedStep: accepted) == nil)
        // Previous step used, then the current one is fine.
        let p = totp.verify(previous, at: Self.now, lastAcceptedStep: nil)
        #expect(p == Self.nowStep - 1)
        #expect(totp.verify(current, at: Self.now, lastAcceptedStep: p) == Self.nowStep)
    }

    @Test("verify strips spaces and refuses malformed codes")
    func verifyFormats() {
        let totp = TOTP(secret: Self.sha1Secret)
        let code = totp.code(forStep: Self.nowStep)  // "050471"
        #expect(code == "050471")
        #expect(totp.verify("050 471", at: Self.now, lastAcceptedStep: nil) == Self.nowStep)
        #expect(totp.verify(" 05 04 71 ", at: Self.now, lastAcceptedStep: nil) == Self.nowStep)
        let bad = [
            "", "      ", "50471", "0504711", "05047a", "050-471", "050\t471", "+50471", "-50471",
            "٠٥٠٤٧١",        // Arabic-Indic digits are not ASCII digits
            "０５０４７１",    // nor are full-width digits
            "050471\n", "0504 71 1", "12345678",
        ]
        for input in bad {
            #expect(totp.verify(input, at: Self.now, lastAcceptedStep: nil) == nil, "accepted \(input.debugDescription)")
        }
        // 8-digit TOTP refuses its own code cut to 6 digits.
        let eight = TOTP(secret: Self.sha1Secret, digits: 8)
        #expect(eight.verify("14050471", at: Self.now, lastAcceptedStep: nil) == Self.nowStep)
        #expect(eight.verify("050471", at: Self.now, lastAcceptedStep: nil) == nil)
    }

    @Test("Constant-time comparison")
    func constantTimeEqual() {
        #expect(TOTP.constantTimeEqual(Array("123456".utf8), Array("123456".utf8)))
        #expect(!TOTP.constantTimeEqual(Array("123456".utf8), Array("123457".utf8)))
        #expect(!TOTP.constantTimeEqual(Array("023456".utf8), Array("123456".utf8)))
        #expect(!TOTP.constantTimeEqual(Array("12345".utf8), Array("123456".utf8)))
    }

    // MARK: - Interop: oathtool

    static func oathtool(_ secret: [UInt8], at unix: Int64) async throws -> String {
        let out = try await Interop.run(
            Interop.oathtool!, ["--totp", "-b", "-d", "6", "-N", "@\(unix)", Base32.encode(secret)])
        #expect(out.status == 0, "oathtool: \(out.stderr)")
        return out.stdout
    }

    @Test("Conformance with oathtool: RFC secret and 20 random secrets", .enabled(if: Interop.oathtoolEnabled))
    func oathtoolConformance() async throws {
        guard Interop.oathtool != nil else {
            Issue.record("oathtool is not installed (apt-get install oathtool) and CAREFLOW_REQUIRE_INTEROP=1")
            return
        }
        let times: [Int64] = [0, 59, 1_111_111_109, 1_234_567_890, 1_700_000_015, 2_000_000_000, 20_000_000_000]
        for time in times {
            let ours = TOTP(secret: Self.sha1Secret).code(at: Self.date(time))
            #expect(try await Self.oathtool(Self.sha1Secret, at: time) == ours, "RFC secret at \(time)")
        }
        let nowUnix = Int64(Date().timeIntervalSince1970)
        for _ in 0..<20 {
            let secret = TOTP.generateSecret()
            let totp = TOTP(secret: secret)
            for time in [nowUnix, 1_111_111_111, Int64.random(in: 0...4_000_000_000)] {
                #expect(try await Self.oathtool(secret, at: time) == totp.code(at: Self.date(time)),
                        "secret \(Base32.encode(secret)) at \(time)")
            }
        }
    }

    // MARK: - otpauth URI

    @Test("otpauth URI: exact format")
    func uriFormat() {
        let uri = OTPAuthURI(secret: Self.sha1Secret, issuer: "CareFlow", account: "alice@example.org")
        #expect(uri.string == "otpauth://totp/CareFlow:alice%40example.org?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=CareFlow&algorithm=SHA1&digits=6&period=30")
        #expect(uri.description == uri.string)
        #expect(OTPAuthURI(totp: TOTP(secret: Self.sha1Secret), issuer: "CareFlow", account: "alice@example.org") == uri)
    }

    @Test("otpauth URI: ':' inside issuer or account, spaces and '&' are percent-encoded")
    func uriEncoding() {
        let uri = OTPAuthURI(secret: Self.sha1Secret, issuer: "Kigali: Health & Co", account: "dr a:b/c?d#é")
        #expect(uri.string == "otpauth://totp/Kigali%3A%20Health%20%26%20Co:dr%20a%3Ab%2Fc%3Fd%23%C3%A9"
            + "?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Kigali%3A%20Health%20%26%20Co&algorithm=SHA1&digits=6&period=30")
        #expect(!uri.string.contains("+"))
        let components = URLComponents(string: uri.string)
        #expect(components?.scheme == "otpauth")
        #expect(components?.host == "totp")
        #expect(components?.queryItems?.first { $0.name == "issuer" }?.value == "Kigali: Health & Co")
        #expect(components?.path == "/Kigali: Health & Co:dr a:b/c?d#é")
        // Empty issuer: bare account label, no issuer parameter.
        let bare = OTPAuthURI(secret: [1, 2, 3], issuer: "", account: "bob")
        #expect(bare.string == "otpauth://totp/bob?secret=AEBAG&algorithm=SHA1&digits=6&period=30")
        let sha256 = OTPAuthURI(secret: [1, 2, 3], issuer: "X", account: "y", algorithm: .sha256, digits: 8, period: 60)
        #expect(sha256.string == "otpauth://totp/X:y?secret=AEBAG&issuer=X&algorithm=SHA256&digits=8&period=60")
    }

    static let pyotpNow = "import pyotp,sys; t=pyotp.parse_uri(sys.argv[1]); print(t.now())"

    /// pyotp's code for "now", checked against our steps now−1 ... now+1 (step boundary race).
    static func checkWithPyotp(_ uri: OTPAuthURI, totp: TOTP) async throws {
        let before = TOTP.step(at: Date(), period: totp.period)
        let out = try await Interop.run(Interop.python3!, ["-c", pyotpNow, uri.string])
        let after = TOTP.step(at: Date(), period: totp.period)
        #expect(out.status == 0, "pyotp: \(out.stderr)")
        let candidates = Set(((before - 1)...(after + 1)).map { totp.code(forStep: $0) })
        #expect(candidates.contains(out.stdout), "pyotp said \(out.stdout) for \(uri.string)")
    }

    @Test("otpauth URI parses with pyotp and yields our code", .enabled(if: Interop.pyotpEnabled))
    func pyotpInterop() async throws {
        guard Interop.pyotpAvailable else {
            Issue.record("python3 with pyotp is not available (pip install pyotp) and CAREFLOW_REQUIRE_INTEROP=1")
            return
        }
        let rfc = TOTP(secret: Self.sha1Secret)
        try await Self.checkWithPyotp(OTPAuthURI(totp: rfc, issuer: "CareFlow", account: "alice@example.org"), totp: rfc)
        for _ in 0..<3 {
            let totp = TOTP(secret: TOTP.generateSecret())
            try await Self.checkWithPyotp(OTPAuthURI(totp: totp, issuer: "CareFlow Kigali", account: "dr alice@example.org"), totp: totp)
        }
        // Non-default parameters are carried by the URI.
        let sha512 = TOTP(secret: Self.sha512Secret, digits: 8, period: 60, algorithm: .sha512)
        try await Self.checkWithPyotp(OTPAuthURI(totp: sha512, issuer: "CareFlow", account: "bob"), totp: sha512)
    }

    @Test("pyotp reads issuer and account back, including ':' and '&'", .enabled(if: Interop.pyotpEnabled))
    func pyotpLabel() async throws {
        guard Interop.pyotpAvailable else {
            Issue.record("python3 with pyotp is not available (pip install pyotp) and CAREFLOW_REQUIRE_INTEROP=1")
            return
        }
        let uri = OTPAuthURI(secret: Self.sha1Secret, issuer: "Kigali: Health & Co", account: "dr a:b@example.org")
        let script = "import pyotp,sys,json; t=pyotp.parse_uri(sys.argv[1]); print(json.dumps([t.issuer, t.name, t.secret, t.digits, t.interval]))"
        let out = try await Interop.run(Interop.python3!, ["-c", script, uri.string])
        #expect(out.status == 0, "pyotp: \(out.stderr)")
        let fields = try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [Any]
        #expect(fields?[0] as? String == "Kigali: Health & Co")
        #expect(fields?[1] as? String == "dr a:b@example.org")
        #expect(fields?[2] as? String == "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")
        #expect(fields?[3] as? Int == 6)
        #expect(fields?[4] as? Int == 30)
    }

    // MARK: - Recovery codes

    @Test("Recovery codes: 10 distinct, xxxxx-xxxxx, unambiguous alphabet, ≥ 50 bits")
    func recoveryGenerate() {
        let codes = RecoveryCodes.generate()
        #expect(codes.count == 10)
        #expect(Set(codes).count == 10)
        #expect(RecoveryCodes.alphabet.count == 32)  // 5 bits per character
        for ambiguous in "ilou" { #expect(!RecoveryCodes.alphabet.contains(UInt8(ambiguous.asciiValue!))) }
        for code in codes {
            let parts = code.split(separator: "-", omittingEmptySubsequences: false)
            #expect(parts.count == 2 && parts.allSatisfy { $0.count == 5 }, "\(code)")
            let symbols = parts.joined()
            #expect(symbols.utf8.allSatisfy { RecoveryCodes.alphabet.contains($0) })
            #expect(Double(symbols.count) * log2(Double(RecoveryCodes.alphabet.count)) >= 50)
        }
        #expect(RecoveryCodes.generate(count: 3).count == 3)
        // All 32 symbols show up across enough codes (the sampler is not stuck on a subset).
        let many = Set(RecoveryCodes.generate(count: 200).joined().utf8)
        #expect(many.count == 33)  // 32 symbols + "-"
    }

    @Test("Recovery codes: hash format, verify right, reject wrong, normalisation")
    func recoveryHashVerify() {
        let code = "7hq2m-x0c9d"
        let hash = RecoveryCodes.hash(code)
        let parts = hash.split(separator: "$")
        #expect(parts.count == 4)
        #expect(parts.first == "pbkdf2-sha256")
        #expect(parts.count == 4 && Int(parts[1]) == RecoveryCodes.defaultIterations)
        #expect(RecoveryCodes.hash(code) != hash)  // fresh salt each time

        #expect(RecoveryCodes.verify(code, against: hash))
        #expect(RecoveryCodes.verify("7HQ2M-X0C9D", against: hash))
        #expect(RecoveryCodes.verify("7hq2mx0c9d", against: hash))
        #expect(RecoveryCodes.verify(" 7hq2m x0c9d ", against: hash))
        #expect(RecoveryCodes.verify("7hq2m-xoc9d", against: hash))  // o read as 0
        #expect(RecoveryCodes.verify("7HQ-2MX-0C9D", against: hash))

        #expect(!RecoveryCodes.verify("7hq2m-x0c9e", against: hash))
        #expect(!RecoveryCodes.verify("7hq2m-x0c9", against: hash))
        #expect(!RecoveryCodes.verify("", against: hash))
        #expect(!RecoveryCodes.verify("- -", against: hash))

        // Malformed or foreign hashes never verify.
        #expect(!RecoveryCodes.verify(code, against: ""))
        #expect(!RecoveryCodes.verify(code, against: "bcrypt$2b$12$abc"))
        #expect(!RecoveryCodes.verify(code, against: "pbkdf2-sha256$0$\(parts[2])$\(parts[3])"))
        #expect(!RecoveryCodes.verify(code, against: "pbkdf2-sha256$999999999$\(parts[2])$\(parts[3])"))
        #expect(!RecoveryCodes.verify(code, against: "pbkdf2-sha256$100000$\(parts[2])$"))
        #expect(!RecoveryCodes.verify(code, against: "pbkdf2-sha256$100000$!!$\(parts[3])"))
        #expect(!RecoveryCodes.verify(code, against: hash + "$x"))
        // Iterations are read from the stored hash.
        let cheap = RecoveryCodes.hash(code, iterations: 1_000)
        #expect(cheap.hasPrefix("pbkdf2-sha256$1000$"))
        #expect(RecoveryCodes.verify(code, against: cheap))
        #expect(!RecoveryCodes.verify(code, against: cheap.replacingOccurrences(of: "$1000$", with: "$1001$")))
    }

    @Test("Recovery codes: each generated code verifies against its own hash only")
    func recoveryGeneratedSet() {
        let codes = RecoveryCodes.generate()
        let hashes = codes.map { RecoveryCodes.hash($0, iterations: 1_000) }
        for (i, code) in codes.enumerated() {
            for (j, hash) in hashes.enumerated() {
                #expect(RecoveryCodes.verify(code, against: hash) == (i == j))
            }
            #expect(RecoveryCodes.verify(code.uppercased().replacingOccurrences(of: "-", with: " "), against: hashes[i]))
        }
    }

    @Test("PBKDF2-HMAC-SHA256 matches RFC 7914 §11 test vector")
    func pbkdf2Vector() throws {
        // RFC 7914 §11: PBKDF2-HMAC-SHA256, P="passwd", S="salt", c=1, dkLen=64.
        let hash = "pbkdf2-sha256$1$" + Base64URL.encode(Data("salt".utf8)) + "$"
            + Base64URL.encode(Self.hexData("55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783"))
        #expect(RecoveryCodes.verify("passwd", against: hash))
        #expect(!RecoveryCodes.verify("passwe", against: hash))
    }

    // MARK: - Benchmark

    @Test("Benchmark runs and reports a positive rate")
    func benchmark() {
        #expect(TOTPBenchmark.verificationsPerSecond(iterations: 200) > 0)
    }
}

extension TOTPTests {
    static func hexData(_ hex: String) -> Data {
        var bytes: [UInt8] = []
        var chars = hex.makeIterator()
        while let hi = chars.next(), let lo = chars.next() {
            bytes.append(UInt8(String([hi, lo]), radix: 16)!)
        }
        return Data(bytes)
    }
}
