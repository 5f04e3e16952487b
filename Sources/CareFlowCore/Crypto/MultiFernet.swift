import Foundation

/// A list of Fernet keys with Python `cryptography.fernet.MultiFernet` semantics: encrypt with the
/// first (current) key, decrypt with whichever key verifies, rotate onto the first key.
/// Used for `CAREFLOW_MASTER_KEYS` (PRODUCT.md §3: comma-separated, first = current).
public struct MultiFernet: Sendable {
    public let fernets: [Fernet]

    /// `keys` must not be empty (a programming error, like Python's `ValueError`); use
    /// `init(commaSeparatedKeys:)` for untrusted configuration.
    public init(keys: [FernetKey]) {
        precondition(!keys.isEmpty, "MultiFernet requires at least one key")
        fernets = keys.map(Fernet.init(key:))
    }

    /// Parses `"key1,key2,…"` (whitespace around each key ignored), e.g. `CAREFLOW_MASTER_KEYS`.
    /// Throws `.invalidKey` if the list is empty or any key is malformed.
    public init(commaSeparatedKeys: String) throws(FernetError) {
        var keys: [FernetKey] = []
        for part in commaSeparatedKeys.split(separator: ",", omittingEmptySubsequences: false) {
            keys.append(try FernetKey(base64URL: part.trimmingCharacters(in: .whitespacesAndNewlines)))
        }
        guard !keys.isEmpty else { throw .invalidKey }
        self.init(keys: keys)
    }

    public var currentKey: FernetKey { fernets[0].key }

    /// Encrypts with the first key.
    public func encrypt(_ plaintext: some DataProtocol, now: Date = Date()) -> String {
        fernets[0].encrypt(plaintext, now: now)
    }

    /// Decrypts with the first key that verifies. Time checks (TTL, clock skew) are the same for
    /// every key and run once, before any HMAC.
    public func decrypt(_ token: String, ttl: TimeInterval? = nil, now: Date = Date()) throws(FernetError) -> Data {
        let decoded = try Fernet.decodeToken(token)
        try Fernet.checkTime(Fernet.timestampField(decoded), ttl: ttl, now: now)
        return try decryptAny(decoded)
    }

    /// The verified timestamp (first key whose HMAC matches).
    public func extractTimestamp(_ token: String) throws(FernetError) -> Date {
        for fernet in fernets {
            if let date = try? fernet.extractTimestamp(token) { return date }
        }
        throw .invalidToken
    }

    /// Re-encrypts `token` under the first key with a fresh IV, keeping its original timestamp so
    /// TTL logic still sees the original age. Like Python's `MultiFernet.rotate`, no TTL or clock
    /// skew check is applied (rotating old data must not fail because it is old).
    public func rotate(_ token: String) throws(FernetError) -> String {
        let decoded = try Fernet.decodeToken(token)
        var plaintext = try decryptAny(decoded)
        defer { plaintext.withUnsafeMutableBytes { fernetZeroize($0) } }
        let iv = FernetRandom.iv()
        return withUnsafeBytes(of: iv) {
            fernets[0].encrypt(plaintext, ivBytes: $0, timestamp: Fernet.timestampField(decoded))
        }
    }

    private func decryptAny(_ decoded: [UInt8]) throws(FernetError) -> Data {
        for fernet in fernets {
            if let plaintext = try? fernet.decryptVerified(decoded) { return plaintext }
        }
        throw .invalidToken
    }
}
