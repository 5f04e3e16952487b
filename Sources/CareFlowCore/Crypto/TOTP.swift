import Crypto
import Foundation

/// RFC 6238 time-based one-time passwords (HOTP of RFC 4226 over a time-step counter).
///
/// CareFlow uses the defaults every authenticator app uses: SHA-1, 6 digits, 30 s, ±1 step, and
/// a code (time step) is accepted at most once — see `verify(_:at:window:lastAcceptedStep:)`.
public struct TOTP: Sendable {
    public enum Algorithm: String, Sendable, CaseIterable {
        case sha1 = "SHA1"
        case sha256 = "SHA256"
        case sha512 = "SHA512"
    }

    public let secret: [UInt8]
    public let digits: Int
    public let period: Int
    public let algorithm: Algorithm
    private let key: SymmetricKey

    /// - Precondition: `digits` in 6...10 (RFC 4226 R4 requires ≥ 6; a 31-bit value has 10 digits), `period` > 0.
    public init(secret: [UInt8], digits: Int = 6, period: Int = 30, algorithm: Algorithm = .sha1) {
        precondition((6...10).contains(digits), "TOTP digits must be in 6...10")
        precondition(period > 0, "TOTP period must be positive")
        self.secret = secret
        self.digits = digits
        self.period = period
        self.algorithm = algorithm
        self.key = SymmetricKey(data: secret)
    }

    /// A fresh 160-bit secret (RFC 4226 §4 R6 recommends 160 bits; the HMAC-SHA1 block-friendly size).
    public static func generateSecret() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<20).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }

    /// T = floor((unix time − T0) / X), T0 = 0. Floors for dates before 1970 as well.
    public static func step(at date: Date, period: Int) -> Int64 {
        precondition(period > 0, "TOTP period must be positive")
        let t = (date.timeIntervalSince1970 / Double(period)).rounded(.down)
        guard t.isFinite else { return t < 0 ? .min : .max }
        if t >= 9.2e18 { return .max }
        if t <= -9.2e18 { return .min }
        return Int64(t)
    }

    public func code(at date: Date) -> String {
        code(forStep: Self.step(at: date, period: period))
    }

    public func code(forStep step: Int64) -> String {
        let value = hotp(counter: UInt64(bitPattern: step))
        let text = String(value)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }

    /// Verifies `code` against the steps `now − window ... now + window` and returns the matched
    /// step, which the caller must persist as the new `lastAcceptedStep`. Returns `nil` when the
    /// code is malformed, matches no step in the window, or matches only steps ≤
    /// `lastAcceptedStep` (a code is accepted once; an older code after a newer one is refused).
    ///
    /// Input may contain spaces (`"123 456"`); otherwise it must be exactly `digits` ASCII digits.
    /// Every candidate step is computed and compared in constant time, whether or not one matched.
    public func verify(_ code: String, at date: Date, window: Int = 1, lastAcceptedStep: Int64?) -> Int64? {
        precondition(window >= 0, "TOTP window must not be negative")
        guard let input = Self.normalise(code, digits: digits) else { return nil }
        let now = Self.step(at: date, period: period)
        let w = Int64(min(window, 1_000))
        let low = now.subtractingReportingOverflow(w)
        let high = now.addingReportingOverflow(w)
        let first = low.overflow ? Int64.min : low.partialValue
        let last = high.overflow ? Int64.max : high.partialValue

        var matched: Int64? = nil
        for step in first...last {
            let expected = Array(self.code(forStep: step).utf8)
            let equal = Self.constantTimeEqual(expected, input)
            // Allowed only if strictly newer than the last accepted step. When a code happens to
            // match two steps, the newest wins, so the same code cannot be replayed later.
            let fresh = lastAcceptedStep.map { step > $0 } ?? true
            if equal && fresh { matched = step }
        }
        return matched
    }

    // MARK: - Internals

    /// RFC 4226 §5.3: HMAC over the 8-byte big-endian counter, dynamic truncation, mod 10^digits.
    func hotp(counter: UInt64) -> UInt64 {
        let message = withUnsafeBytes(of: counter.bigEndian) { Array($0) }
        let mac: [UInt8]
        switch algorithm {
        case .sha1: mac = Array(HMAC<Insecure.SHA1>.authenticationCode(for: message, using: key))
        case .sha256: mac = Array(HMAC<SHA256>.authenticationCode(for: message, using: key))
        case .sha512: mac = Array(HMAC<SHA512>.authenticationCode(for: message, using: key))
        }
        let offset = Int(mac[mac.count - 1] & 0x0f)
        let binary = (UInt64(mac[offset] & 0x7f) << 24)
            | (UInt64(mac[offset + 1]) << 16)
            | (UInt64(mac[offset + 2]) << 8)
            | UInt64(mac[offset + 3])
        var modulus: UInt64 = 1
        for _ in 0..<digits { modulus *= 10 }
        return binary % modulus
    }

    /// Strips spaces; the rest must be exactly `digits` ASCII digits.
    static func normalise(_ code: String, digits: Int) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(digits)
        for c in code.utf8 {
            if c == UInt8(ascii: " ") { continue }
            guard c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9"), out.count < digits else { return nil }
            out.append(c)
        }
        return out.count == digits ? out : nil
    }

    /// Length is not secret here (both sides are `digits` long); the content comparison does not
    /// exit early.
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var diff: UInt8 = 0
        for i in a.indices { diff |= a[i] ^ b[i] }
        return diff == 0
    }
}

/// Throughput of `TOTP.verify` with CareFlow's parameters (SHA-1, 6 digits, 30 s, ±1 step, so
/// three HMACs per call). Used by `careflow bench totp`.
public enum TOTPBenchmark {
    public static func verificationsPerSecond(iterations: Int) -> Double {
        let iterations = max(1, iterations)
        let totp = TOTP(secret: Array("12345678901234567890".utf8))
        let base = Date(timeIntervalSince1970: 1_111_111_111)
        // Pre-compute the codes so the timed loop measures verification only.
        let codes = (0..<64).map { i in
            totp.code(at: base.addingTimeInterval(Double(i * 30)))
        }
        var accepted = 0
        let clock = ContinuousClock()
        let start = clock.now
        for i in 0..<iterations {
            let slot = i & 63
            let date = base.addingTimeInterval(Double(slot * 30))
            if totp.verify(codes[slot], at: date, lastAcceptedStep: nil) != nil { accepted += 1 }
        }
        let elapsed = clock.now - start
        precondition(accepted == iterations, "TOTP benchmark: verification failed")
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return Double(iterations) / max(seconds, 1e-9)
    }
}
