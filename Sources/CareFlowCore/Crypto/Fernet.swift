import Crypto
import Foundation
import _CryptoExtras

// Fernet (https://github.com/fernet/spec, /work/shared/specs/fernet.md), wire-compatible with
// Python `cryptography.fernet`. Used for PHI fields (PRODUCT.md §3).
//
// Token = base64url-with-padding( 0x80 ‖ timestamp (u64 BE) ‖ IV (16) ‖ AES-128-CBC/PKCS#7 (n·16)
//                                 ‖ HMAC-SHA256(signing key, everything before it) (32) )
// Key   = base64url-with-padding( signing key (16) ‖ encryption key (16) )
//
// Base64: we emit canonical padded base64url and decode strictly (URL-safe alphabet only, length a
// multiple of 4, at most two trailing `=`, unused trailing bits zero). That accepts every token a
// conforming encoder produces, including all of Python's. Python's lenient decoder additionally
// tolerates (and drops) characters outside the alphabet, `+`/`/`, and non-zero unused bits; such
// strings never come from a Fernet encoder and are rejected here as bad base64.

/// Every Fernet failure. Token failures are deliberately opaque: a caller (or an attacker) cannot
/// tell a bad MAC from a bad padding, an expired token or malformed base64.
public enum FernetError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidToken
    case invalidKey

    public var description: String {
        switch self {
        case .invalidToken: "invalid Fernet token"
        case .invalidKey: "invalid Fernet key (expected 32 bytes as 44 characters of URL-safe base64)"
        }
    }
}

/// A Fernet key: 16-byte signing key ‖ 16-byte encryption key. Key material never appears in
/// `description`, `debugDescription` or `dump`.
public struct FernetKey: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    static let byteCount = 32

    /// First half: HMAC-SHA256 key.
    let signingKey: SymmetricKey
    /// Second half: AES-128 key.
    let encryptionKey: SymmetricKey
    /// HMAC-SHA256 state already keyed (inner and outer pads absorbed); copied per token so each
    /// MAC skips the key schedule.
    let keyedHMAC: HMAC<SHA256>

    /// Parses the 44-character URL-safe base64 (with padding) form, as produced by
    /// `Fernet.generate_key()` in Python.
    public init(base64URL: String) throws(FernetError) {
        var string = base64URL
        let decoded = string.withUTF8 { FernetBase64.decode($0) }
        guard let decoded, decoded.count == Self.byteCount else { throw .invalidKey }
        self.init(validated: decoded)
    }

    /// The 32 raw bytes (signing key ‖ encryption key).
    public init(bytes: some DataProtocol) throws(FernetError) {
        guard bytes.count == Self.byteCount else { throw .invalidKey }
        self.init(validated: Array(bytes))
    }

    private init(validated bytes: [UInt8]) {
        signingKey = SymmetricKey(data: bytes[0..<16])
        encryptionKey = SymmetricKey(data: bytes[16..<32])
        keyedHMAC = HMAC<SHA256>(key: signingKey)
    }

    /// A fresh random key from the system CSPRNG.
    public static func generate() -> FernetKey {
        SymmetricKey(size: .bits256).withUnsafeBytes { FernetKey(validated: Array($0)) }
    }

    /// The key in its 44-character URL-safe base64 form (for `CAREFLOW_MASTER_KEYS`, Python).
    public var base64URL: String {
        var bytes = rawBytes
        defer { bytes.withUnsafeMutableBytes { fernetZeroize($0) } }
        return bytes.withUnsafeBytes { FernetBase64.encode($0) }
    }

    /// The 32 raw bytes (signing key ‖ encryption key), e.g. to wrap this key under a master key.
    /// Secret: never log it; zero or drop the array promptly.
    public var rawBytes: [UInt8] {
        [UInt8](unsafeUninitializedCapacity: Self.byteCount) { buffer, initialized in
            signingKey.withUnsafeBytes { buffer.baseAddress!.initialize(from: $0.bindMemory(to: UInt8.self).baseAddress!, count: 16) }
            encryptionKey.withUnsafeBytes {
                buffer.baseAddress!.advanced(by: 16).initialize(from: $0.bindMemory(to: UInt8.self).baseAddress!, count: 16)
            }
            initialized = Self.byteCount
        }
    }

    /// All 32 bytes as one key, e.g. input key material for HKDF (file encryption).
    public var keyMaterial: SymmetricKey {
        var bytes = rawBytes
        defer { bytes.withUnsafeMutableBytes { fernetZeroize($0) } }
        return SymmetricKey(data: bytes)
    }

    /// Constant-time (`SymmetricKey` compares without early exit).
    public static func == (lhs: FernetKey, rhs: FernetKey) -> Bool {
        let signing = lhs.signingKey == rhs.signingKey
        let encryption = lhs.encryptionKey == rhs.encryptionKey
        return signing && encryption
    }

    public var description: String { "FernetKey(<redacted>)" }
    public var debugDescription: String { "FernetKey(<redacted>)" }
    public var customMirror: Mirror { Mirror(self, children: [:], displayStyle: .struct) }
}

/// Fernet encryption under one key. Cheap to copy; all per-key work is done in `FernetKey.init`.
public struct Fernet: Sendable {
    static let version: UInt8 = 0x80
    static let maxClockSkew: Int64 = 60
    /// version ‖ timestamp ‖ IV
    static let headerCount = 1 + 8 + 16
    static let macCount = 32
    static let minimumTokenCount = headerCount + 16 + macCount

    public let key: FernetKey

    public init(key: FernetKey) {
        self.key = key
    }

    /// Encrypts `plaintext` with a fresh random IV, stamped with `now` (whole seconds).
    public func encrypt(_ plaintext: some DataProtocol, now: Date = Date()) -> String {
        let iv = FernetRandom.iv()
        return withUnsafeBytes(of: iv) { encrypt(plaintext, ivBytes: $0, timestamp: Fernet.timestamp(now)) }
    }

    /// Deterministic variant for test vectors and `MultiFernet.rotate`. `iv` must be 16 bytes.
    package func encrypt(_ plaintext: some DataProtocol, iv: some Collection<UInt8>, now: Date) -> String {
        precondition(iv.count == 16, "Fernet IV must be 16 bytes")
        let ivBytes = Array(iv)
        return ivBytes.withUnsafeBytes { encrypt(plaintext, ivBytes: $0, timestamp: Fernet.timestamp(now)) }
    }

    func encrypt(_ plaintext: some DataProtocol, ivBytes: UnsafeRawBufferPointer, timestamp: UInt64) -> String {
        let ciphertext: Data
        do {
            let iv = try AES._CBC.IV(ivBytes: ivBytes)
            ciphertext = try AES._CBC.encrypt(plaintext, using: key.encryptionKey, iv: iv)
        } catch {
            // Only reachable with a key or IV of the wrong size, which the types rule out.
            preconditionFailure("AES-128-CBC failed: \(error)")
        }
        let count = Fernet.headerCount + ciphertext.count + Fernet.macCount
        let token = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            let raw = UnsafeMutableRawBufferPointer(buffer)
            raw[0] = Fernet.version
            raw.storeBytes(of: timestamp.bigEndian, toByteOffset: 1, as: UInt64.self)
            raw.baseAddress!.advanced(by: 9).copyMemory(from: ivBytes.baseAddress!, byteCount: 16)
            ciphertext.withUnsafeBytes {
                raw.baseAddress!.advanced(by: Fernet.headerCount).copyMemory(from: $0.baseAddress!, byteCount: $0.count)
            }
            let signedCount = count - Fernet.macCount
            var hmac = key.keyedHMAC
            hmac.update(data: UnsafeRawBufferPointer(rebasing: raw[0..<signedCount]))
            hmac.finalize().withUnsafeBytes {
                raw.baseAddress!.advanced(by: signedCount).copyMemory(from: $0.baseAddress!, byteCount: Fernet.macCount)
            }
            initialized = count
        }
        return token.withUnsafeBytes { FernetBase64.encode($0) }
    }

    /// Decrypts and authenticates `token`. Checks, in the spec's order: base64, length, version,
    /// TTL (`timestamp + ttl < now` fails), clock skew (`timestamp > now + 60` fails), HMAC
    /// (constant time, before any decryption), AES-128-CBC, PKCS#7.
    public func decrypt(_ token: String, ttl: TimeInterval? = nil, now: Date = Date()) throws(FernetError) -> Data {
        let decoded = try Fernet.decodeToken(token)
        let timestamp = Fernet.timestampField(decoded)
        try Fernet.checkTime(timestamp, ttl: ttl, now: now)
        return try decryptVerified(decoded)
    }

    /// The token's timestamp, after verifying its HMAC (no TTL or clock-skew check, no decryption),
    /// like Python's `Fernet.extract_timestamp`.
    public func extractTimestamp(_ token: String) throws(FernetError) -> Date {
        let decoded = try Fernet.decodeToken(token)
        guard verifyMAC(decoded) else { throw .invalidToken }
        return Date(timeIntervalSince1970: TimeInterval(Fernet.timestampField(decoded)))
    }

    // MARK: - Steps shared with MultiFernet

    /// Base64, length and version checks. The result is at least `minimumTokenCount` long with a
    /// whole number of cipher blocks.
    static func decodeToken(_ token: String) throws(FernetError) -> [UInt8] {
        var token = token
        guard let decoded = token.withUTF8({ FernetBase64.decode($0) }),
            decoded.count >= minimumTokenCount,
            (decoded.count - headerCount - macCount) % 16 == 0,
            decoded[0] == version
        else { throw .invalidToken }
        return decoded
    }

    static func timestampField(_ decoded: [UInt8]) -> UInt64 {
        decoded.withUnsafeBytes { UInt64(bigEndian: $0.loadUnaligned(fromByteOffset: 1, as: UInt64.self)) }
    }

    static func checkTime(_ timestamp: UInt64, ttl: TimeInterval?, now: Date) throws(FernetError) {
        // Python: current_time = int(time.time()); clamp so that the arithmetic below cannot trap.
        let seconds = now.timeIntervalSince1970.rounded(.towardZero)
        let current: Int64 = seconds.isNaN ? 0 : Int64(max(-4e18, min(4e18, seconds)))
        if let ttl, Double(timestamp) + ttl < Double(current) { throw .invalidToken }
        if timestamp > UInt64(Int64.max) || Int64(timestamp) > current + maxClockSkew { throw .invalidToken }
    }

    static func timestamp(_ date: Date) -> UInt64 {
        let seconds = date.timeIntervalSince1970.rounded(.towardZero)
        guard seconds > 0 else { return 0 }
        return seconds >= 1.8e19 ? UInt64.max : UInt64(seconds)
    }

    /// Constant-time HMAC check over version ‖ timestamp ‖ IV ‖ ciphertext.
    func verifyMAC(_ decoded: [UInt8]) -> Bool {
        decoded.withUnsafeBytes { raw in
            let signedCount = raw.count - Fernet.macCount
            var hmac = key.keyedHMAC
            hmac.update(data: UnsafeRawBufferPointer(rebasing: raw[0..<signedCount]))
            return hmac.finalize().withUnsafeBytes { expected in
                fernetConstantTimeEqual(expected, UnsafeRawBufferPointer(rebasing: raw[signedCount...]))
            }
        }
    }

    /// HMAC, then AES-128-CBC and (constant-time) PKCS#7 removal.
    func decryptVerified(_ decoded: [UInt8]) throws(FernetError) -> Data {
        guard verifyMAC(decoded) else { throw .invalidToken }
        do {
            let iv = try AES._CBC.IV(ivBytes: decoded[9..<Fernet.headerCount])
            return try AES._CBC.decrypt(
                decoded[Fernet.headerCount..<(decoded.count - Fernet.macCount)], using: key.encryptionKey, iv: iv)
        } catch {
            throw .invalidToken
        }
    }
}

// MARK: - Helpers

/// Compares two equal-length buffers without a data-dependent early exit.
@inline(never)
func fernetConstantTimeEqual(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
    guard a.count == b.count else { return false }
    var difference: UInt8 = 0
    for index in 0..<a.count { difference |= a[index] ^ b[index] }
    return difference == 0
}

func fernetZeroize(_ buffer: UnsafeMutableRawBufferPointer) {
    guard let base = buffer.baseAddress else { return }
    // memset_s is not on Linux; a volatile-free memset can be elided only if the buffer is dead,
    // which `withUnsafeMutableBytes` on a live array prevents in practice.
    memset(base, 0, buffer.count)
}

enum FernetRandom {
    /// 16 bytes from the system CSPRNG (`getrandom(2)` on Linux, via the standard library).
    static func iv() -> (UInt64, UInt64) {
        var generator = SystemRandomNumberGenerator()
        return (generator.next(), generator.next())
    }
}

/// Padded URL-safe base64 over raw bytes: table-driven loops, no Foundation round-trip and no
/// character substitution passes.
enum FernetBase64 {
    static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// 0...63 for alphabet characters, 0xFF otherwise.
    static let reverse: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (value, character) in alphabet.enumerated() { table[Int(character)] = UInt8(value) }
        return table
    }()

    static func encode(_ bytes: UnsafeRawBufferPointer) -> String {
        let count = (bytes.count + 2) / 3 * 4
        guard count > 0 else { return "" }
        return alphabet.withUnsafeBufferPointer { table in
            String(unsafeUninitializedCapacity: count) { out in
                var i = 0
                var o = 0
                let whole = bytes.count - bytes.count % 3
                while i < whole {
                    let word = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
                    out[o] = table[Int(word >> 18)]
                    out[o + 1] = table[Int(word >> 12 & 0x3F)]
                    out[o + 2] = table[Int(word >> 6 & 0x3F)]
                    out[o + 3] = table[Int(word & 0x3F)]
                    i += 3
                    o += 4
                }
                switch bytes.count - whole {
                case 1:
                    let word = UInt32(bytes[i]) << 16
                    out[o] = table[Int(word >> 18)]
                    out[o + 1] = table[Int(word >> 12 & 0x3F)]
                    out[o + 2] = UInt8(ascii: "=")
                    out[o + 3] = UInt8(ascii: "=")
                case 2:
                    let word = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8
                    out[o] = table[Int(word >> 18)]
                    out[o + 1] = table[Int(word >> 12 & 0x3F)]
                    out[o + 2] = table[Int(word >> 6 & 0x3F)]
                    out[o + 3] = UInt8(ascii: "=")
                default:
                    break
                }
                return count
            }
        }
    }

    /// Strict decode of padded URL-safe base64; nil on any malformation (see the file header).
    static func decode(_ text: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        let count = text.count
        guard count > 0, count % 4 == 0 else { return nil }
        var padding = 0
        if text[count - 1] == UInt8(ascii: "=") { padding = text[count - 2] == UInt8(ascii: "=") ? 2 : 1 }
        let outputCount = count / 4 * 3 - padding
        return reverse.withUnsafeBufferPointer { table -> [UInt8]? in
            var valid = true
            let output = [UInt8](unsafeUninitializedCapacity: outputCount) { out, initialized in
                var i = 0
                var o = 0
                let wholeQuads = count - 4  // the last quad is handled below (it may carry padding)
                var invalid: UInt8 = 0
                while i < wholeQuads {
                    let a = table[Int(text[i])], b = table[Int(text[i + 1])]
                    let c = table[Int(text[i + 2])], d = table[Int(text[i + 3])]
                    invalid |= a | b | c | d
                    let word = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6 | UInt32(d)
                    out[o] = UInt8(truncatingIfNeeded: word >> 16)
                    out[o + 1] = UInt8(truncatingIfNeeded: word >> 8)
                    out[o + 2] = UInt8(truncatingIfNeeded: word)
                    i += 4
                    o += 3
                }
                let a = table[Int(text[i])], b = table[Int(text[i + 1])]
                let c = padding == 2 ? 0 : table[Int(text[i + 2])]
                let d = padding >= 1 ? 0 : table[Int(text[i + 3])]
                invalid |= a | b | c | d
                let word = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6 | UInt32(d)
                out[o] = UInt8(truncatingIfNeeded: word >> 16)
                switch padding {
                case 0:
                    out[o + 1] = UInt8(truncatingIfNeeded: word >> 8)
                    out[o + 2] = UInt8(truncatingIfNeeded: word)
                case 1:
                    out[o + 1] = UInt8(truncatingIfNeeded: word >> 8)
                    if word & 0xFF != 0 { valid = false }  // non-canonical unused bits
                default:
                    if word & 0xFFFF != 0 { valid = false }
                }
                // Valid sextets are 0...63, so bit 7 is set only by the 0xFF (invalid) marker.
                if invalid & 0x80 != 0 { valid = false }
                initialized = outputCount
            }
            return valid ? output : nil
        }
    }
}
