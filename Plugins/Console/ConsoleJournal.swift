import CareFlowCore
import Foundation

/// One tenant's console message file. Writes are serialised so lines never interleave.
public actor ConsoleJournal {
    public let path: String

    public init(directory: String, tenantSlug: String) {
        self.path = (directory as NSString).appendingPathComponent("\(tenantSlug).jsonl")
    }

    /// One journal line. `at` and `capability` are always there; the rest as the capability
    /// has them (`subject` for email and push titles, `details` for everything else).
    struct Line: Encodable {
        let at: String
        let capability: String
        let to: String
        let subject: String?
        let body: String
        let idempotencyKey: String?
        let details: [String: JSONValue]?

        enum CodingKeys: String, CodingKey {
            case at, capability, to, subject, body, details
            case idempotencyKey = "idempotency_key"
        }
    }

    public func append(capability: String, to: String, subject: String?, body: String,
                       idempotencyKey: String? = nil, details: [String: JSONValue] = [:]) throws {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let line = Line(at: formatter.string(from: Date()), capability: capability, to: to, subject: subject, body: body,
                        idempotencyKey: idempotencyKey, details: details.isEmpty ? nil : details)
        var data = try encoder.encode(line)
        data.append(0x0A)
        let dir = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        if !FileManager.default.fileExists(atPath: path) {
            FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: data)
    }
}
