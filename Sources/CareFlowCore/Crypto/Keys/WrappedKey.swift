import FluentKit
import Foundation

/// A tenant's (or the platform's) data or index key, stored wrapped (Fernet-encrypted) under
/// the master key. Never stored in clear, never logged.
public final class WrappedKey: Model, @unchecked Sendable {
    public static let schema = "wrapped_keys"

    public enum Purpose: String, Codable, Sendable { case data, index }
    public enum Status: String, Codable, Sendable {
        /// Encrypts new values.
        case active
        /// Still decrypts values not yet re-encrypted by a rotation.
        case retiring
        /// No value uses it any more; kept only as a record.
        case retired
    }

    @ID(key: .id) public var id: UUID?
    /// Tenant id, or `platform` for operator secrets.
    @Field(key: "owner") public var owner: String
    @Field(key: "purpose") public var purpose: Purpose
    @Field(key: "version") public var version: Int
    @Field(key: "wrapped") public var wrapped: String
    @Field(key: "status") public var status: Status
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?

    public init() {}

    public init(owner: String, purpose: Purpose, version: Int, wrapped: String, status: Status) {
        self.owner = owner
        self.purpose = purpose
        self.version = version
        self.wrapped = wrapped
        self.status = status
    }

    public static func owner(for tenantID: UUID?) -> String {
        tenantID?.lowercasedString ?? "platform"
    }
}
