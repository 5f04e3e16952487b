import Foundation

/// What an archive holds, written as its last entry: a restore compares every member with it
/// and compares the restored database's row counts with `counts`.
public struct BackupManifest: Codable, Sendable, Equatable {
    public static let currentFormat = 1
    /// The CareFlow release that wrote the archive.
    public static let careflowVersion = "1.0.0"

    public enum Backend: String, Codable, Sendable { case sqlite, postgres }

    public struct Member: Codable, Sendable, Equatable {
        public var path: String
        public var size: Int64
        /// Lowercase hex SHA-256 of the member's bytes.
        public var sha256: String
    }

    public var format: Int
    public var backend: Backend
    public var createdAt: Date
    public var careflowVersion: String
    /// PostgreSQL: the schema the dump holds when the instance runs in one (`CAREFLOW_DATABASE_SCHEMA`).
    public var schema: String?
    /// Rows per table, counted in the same snapshot the database copy was taken from.
    public var counts: [String: Int]
    public var members: [Member]

    public init(backend: Backend, createdAt: Date = Date(), schema: String? = nil, counts: [String: Int], members: [Member] = []) {
        self.format = Self.currentFormat
        self.backend = backend
        self.createdAt = createdAt
        self.careflowVersion = Self.careflowVersion
        self.schema = schema
        self.counts = counts
        self.members = members
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()
}
