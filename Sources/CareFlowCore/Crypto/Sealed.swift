import Foundation

/// A value encrypted under its tenant's data key (a Fernet token), as stored in a column.
/// Models hold `Sealed` values; only a `FieldCipher` turns them back into plaintext, so a
/// plaintext value cannot reach the database by accident and a sealed one cannot reach a
/// response by accident.
public struct Sealed<Value: Codable & Sendable>: Codable, Sendable, Equatable {
    public let token: String

    public init(token: String) {
        self.token = token
    }

    public init(from decoder: any Decoder) throws {
        token = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(token)
    }
}
