import Crypto
import Foundation

/// One tenant's field encryption: seals values under its active data key, opens values under
/// any of its live data keys (MultiFernet, so a rotation can proceed row by row), and computes
/// blind indexes under its index key.
public struct FieldCipher: Sendable {
    /// Internal: rotation reads it to tell old-key values from new ones.
    let fernet: MultiFernet
    public let indexer: BlindIndexer
    /// Version of the key that seals new values.
    public let activeVersion: Int

    public init(dataKeys: [FernetKey], activeVersion: Int, indexKey: SymmetricKey) {
        self.fernet = MultiFernet(keys: dataKeys)
        self.activeVersion = activeVersion
        self.indexer = BlindIndexer(key: indexKey)
    }

    /// A patient's cipher: seals under the patient's own key, opens under it or, for values
    /// written before patients had keys, under the tenant's keys; indexes stay the tenant's so
    /// search works across patients.
    init(sealingWith patientKey: FernetKey, fallingBackTo tenant: FieldCipher) {
        self.fernet = MultiFernet(keys: [patientKey] + tenant.fernet.fernets.map(\.key))
        self.activeVersion = tenant.activeVersion
        self.indexer = tenant.indexer
    }

    public func seal<V: Codable & Sendable>(_ value: V) throws -> Sealed<V> {
        Sealed(token: fernet.encrypt(try Self.encode(value)))
    }

    public func open<V: Codable & Sendable>(_ sealed: Sealed<V>) throws -> V {
        do {
            return try Self.decode(V.self, from: fernet.decrypt(sealed.token))
        } catch {
            throw FieldCipherError.cannotOpen
        }
    }

    public func open<V: Codable & Sendable>(_ sealed: Sealed<V>?) throws -> V? {
        try sealed.map { try open($0) }
    }

    public func index(_ value: String, as kind: BlindIndexKind) -> String {
        indexer.index(value, as: kind)
    }

    /// Strings are stored as their UTF-8 bytes (what Python's Fernet would see); other values as JSON.
    static func encode<V: Encodable>(_ value: V) throws -> Data {
        if let s = value as? String { return Data(s.utf8) }
        return try coders.encoder.encode(value)
    }

    static func decode<V: Decodable>(_ type: V.Type, from data: Data) throws -> V {
        if V.self == String.self, let s = String(data: data, encoding: .utf8) { return s as! V }
        return try coders.decoder.decode(V.self, from: data)
    }
}

/// One encoder and decoder for every sealed value: both are safe to share between threads, and
/// building them per value showed in the patient page's profile.
private let coders = (encoder: JSONEncoder(), decoder: JSONDecoder())

public enum FieldCipherError: Error, Equatable {
    /// No live key of the tenant opens the value (tampered, or encrypted for another tenant).
    case cannotOpen
}
