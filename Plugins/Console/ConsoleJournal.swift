import Foundation

/// One tenant's console message file. Writes are serialised so lines never interleave.
public actor ConsoleJournal {
    public let path: String

    public init(directory: String, tenantSlug: String) {
        self.path = (directory as NSString).appendingPathComponent("\(tenantSlug).jsonl")
    }

    struct Line: Encodable {
        let at: String
        let capability: String
        let to: String
        let subject: String?
        let body: String
    }

    public func append(capability: String, to: String, subject: String?, body: String) throws {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(Line(at: formatter.string(from: Date()), capability: capability, to: to, subject: subject, body: body))
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
