import _CryptoExtras
import Crypto
import Foundation

/// Single-use MFA recovery codes.
///
/// Codes look like `7hq2m-x0c9d`: ten characters of Crockford's base32 alphabet in lower case
/// (digits and letters without i, l, o, u), so 10 × 5 = 50 random bits each. Input is normalised
/// before hashing or checking: lower-cased, spaces and dashes removed, and the look-alikes
/// `i`/`l` read as `1` and `o` as `0` (never produced, so this only forgives misreadings).
///
/// Stored as `pbkdf2-sha256$<iterations>$<salt>$<hash>` (salt 16 bytes and hash 32 bytes, both
/// base64url without padding). Fewer iterations than a password hash need: a code carries 50 random
/// bits, so at 100 000 PBKDF2 iterations an offline guess of one code costs ~2^66.6 HMACs.
/// Iterations are read back from the stored string, so the default can be raised later.
public enum RecoveryCodes {
    public static let alphabet: [UInt8] = Array("0123456789abcdefghjkmnpqrstvwxyz".utf8)
    public static let defaultIterations = 100_000
    /// Upper bound accepted when verifying, so a corrupted row cannot stall a request.
    static let maxIterations = 10_000_000
    static let scheme = "pbkdf2-sha256"

    public static func generate(count: Int = 10) -> [String] {
        precondition(count >= 0)
        var generator = SystemRandomNumberGenerator()
        var codes: [String] = []
        var seen = Set<String>()
        while codes.count < count {
            // 256 is a multiple of 32: masking a random byte is exactly uniform.
            let chars = (0..<10).map { _ in alphabet[Int(UInt8.random(in: .min ... .max, using: &generator) & 0x1f)] }
            let code = String(decoding: chars[0..<5], as: UTF8.self) + "-" + String(decoding: chars[5..<10], as: UTF8.self)
            if seen.insert(code).inserted { codes.append(code) }
        }
        return codes
    }

    /// Lower case, without whitespace or dashes, look-alikes mapped (`i`, `l` → `1`; `o` → `0`).
    public static func normalise(_ code: String) -> String {
        var out = ""
        for ch in code.lowercased() {
            switch ch {
            case " ", "\t", "\n", "\r", "-": continue
            case "i", "l": out.append("1")
            case "o": out.append("0")
            default: out.append(ch)
            }
        }
        return out
    }

    /// A salted PBKDF2-HMAC-SHA256 hash of the normalised code. Each call uses a fresh salt.
    public static func hash(_ code: String, iterations: Int = defaultIterations) -> String {
        precondition(iterations >= 1 && iterations <= maxIterations)
        var generator = SystemRandomNumberGenerator()
        let salt = (0..<16).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let derived = derive(normalise(code), salt: salt, iterations: iterations, byteCount: 32)
        return [scheme, String(iterations), Base64URL.encode(Data(salt)), Base64URL.encode(Data(derived))]
            .joined(separator: "$")
    }

    /// Whether `code` matches `hash` (as produced by `hash(_:)`); false for malformed hashes.
    /// The final comparison is constant-time.
    public static func verify(_ code: String, against hash: String) -> Bool {
        let parts = hash.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == scheme,
              let iterations = Int(parts[1]), (1...maxIterations).contains(iterations),
              let salt = Base64URL.decode(String(parts[2])), !salt.isEmpty,
              let expected = Base64URL.decode(String(parts[3])), (16...64).contains(expected.count)
        else { return false }
        let normalised = normalise(code)
        guard !normalised.isEmpty else { return false }
        let actual = derive(normalised, salt: Array(salt), iterations: iterations, byteCount: expected.count)
        return TOTP.constantTimeEqual(actual, Array(expected))
    }

    private static func derive(_ normalised: String, salt: [UInt8], iterations: Int, byteCount: Int) -> [UInt8] {
        // BoringSSL needs a non-null password pointer; an empty code never matches anyway.
        let password = normalised.isEmpty ? [0] : Array(normalised.utf8)
        do {
            let key = try KDF.Insecure.PBKDF2.deriveKey(
                from: password, salt: salt, using: .sha256,
                outputByteCount: byteCount, unsafeUncheckedRounds: iterations)
            return key.withUnsafeBytes { Array($0) }
        } catch {
            // Only fails on allocation/parameter errors inside BoringSSL, which the guards above exclude.
            preconditionFailure("PBKDF2 failed: \(error)")
        }
    }
}
