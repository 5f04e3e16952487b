import Crypto
import Foundation

/// One Ed25519 signing key as kept on disk.
public struct SigningKey: Sendable, Codable, Equatable {
    public let kid: String
    /// Raw 32-byte private key, base64url.
    public let privateKey: String
    public let createdAt: Date
    /// Set when a newer key took over; the key keeps verifying until its last token expired.
    public var retiredAt: Date?

    enum CodingKeys: String, CodingKey {
        case kid
        case privateKey = "private_key"
        case createdAt = "created_at"
        case retiredAt = "retired_at"
    }

    public static func generate(now: Date = Date()) -> SigningKey {
        let key = Curve25519.Signing.PrivateKey()
        return SigningKey(kid: kid(of: key.publicKey), privateKey: Base64URL.encode(key.rawRepresentation), createdAt: now, retiredAt: nil)
    }

    /// A digest prefix of the public key, so the id is stable for a key and reveals nothing.
    static func kid(of publicKey: Curve25519.Signing.PublicKey) -> String {
        String(Base64URL.encode(Data(SHA256.hash(data: publicKey.rawRepresentation))).prefix(16))
    }

    public func curveKey() throws -> Curve25519.Signing.PrivateKey {
        guard let raw = Base64URL.decode(privateKey) else { throw SigningKeyError.unreadable(kid) }
        return try Curve25519.Signing.PrivateKey(rawRepresentation: raw)
    }
}

public enum SigningKeyError: Error, CustomStringConvertible {
    case unreadable(String)
    case noCurrentKey

    public var description: String {
        switch self {
        case .unreadable(let kid): "signing key \(kid) cannot be read"
        case .noCurrentKey: "no current signing key"
        }
    }
}

/// The signing keys in `$CAREFLOW_DATA_DIR/keys/signing.json` (mode 0600). The newest unretired
/// key signs; retired keys stay listed in the JWKS until every token they signed has expired.
public struct SigningKeyStore: Sendable {
    public let path: String
    /// How long a retired key keeps verifying: the access-token lifetime plus clock leeway.
    public let retention: TimeInterval

    public init(directory: String, retention: TimeInterval) {
        self.path = (directory as NSString).appendingPathComponent("signing.json")
        self.retention = retention
    }

    /// Reads the key set, creating a first key on first start.
    public func loadOrCreate(now: Date = Date()) throws -> [SigningKey] {
        if FileManager.default.fileExists(atPath: path) {
            let keys = try JSONDecoder.iso.decode([SigningKey].self, from: Data(contentsOf: URL(fileURLWithPath: path)))
            let live = prune(keys, now: now)
            if live.contains(where: { $0.retiredAt == nil }) { return live }
        }
        let keys = [SigningKey.generate(now: now)]
        try write(keys)
        return keys
    }

    /// Makes a new key current and retires the previous one.
    @discardableResult
    public func rotate(now: Date = Date()) throws -> (new: SigningKey, retired: [String]) {
        var keys = try loadOrCreate(now: now)
        var retired: [String] = []
        for i in keys.indices where keys[i].retiredAt == nil {
            keys[i].retiredAt = now
            retired.append(keys[i].kid)
        }
        let fresh = SigningKey.generate(now: now)
        keys.append(fresh)
        try write(prune(keys, now: now))
        return (fresh, retired)
    }

    func prune(_ keys: [SigningKey], now: Date) -> [SigningKey] {
        keys.filter { key in
            guard let retiredAt = key.retiredAt else { return true }
            return now.timeIntervalSince(retiredAt) < retention
        }
    }

    private func write(_ keys: [SigningKey]) throws {
        let dir = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let data = try JSONEncoder.iso.encode(keys)
        let tmp = path + ".tmp"
        FileManager.default.createFile(atPath: tmp, contents: data, attributes: [.posixPermissions: 0o600])
        // rename(2) is atomic: a crash leaves the old set or the new one, never half a file.
        guard rename(tmp, path) == 0 else { throw CocoaError(.fileWriteUnknown) }
    }
}

extension JSONDecoder {
    static var iso: JSONDecoder {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .iso8601
        return d
    }
}

extension JSONEncoder {
    static var iso: JSONEncoder {
        let e = JSONEncoder()
        e.dateEncodingStrategy = .iso8601
        e.outputFormatting = [.prettyPrinted, .sortedKeys]
        return e
    }
}

extension SigningKey {
    /// A key handed in by the environment (`CAREFLOW_JWT_SIGNING_KEY`, base64url of the 32-byte
    /// Ed25519 private key), for deployments that keep keys in a secret store.
    public static func fromEnvironment(_ value: String) throws -> SigningKey {
        guard let raw = Base64URL.decode(value), let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: raw) else {
            throw SigningKeyError.unreadable("CAREFLOW_JWT_SIGNING_KEY")
        }
        return SigningKey(kid: kid(of: key.publicKey), privateKey: value, createdAt: Date(), retiredAt: nil)
    }
}
