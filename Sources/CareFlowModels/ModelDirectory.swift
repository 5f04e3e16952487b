import Foundation

/// The folder of model files (`$CAREFLOW_DATA_DIR/models/`), one `NAME@VERSION.json` per trained
/// version. Which version is active is the server's decision; this only lists, loads and saves.
public struct ModelDirectory: Sendable {
    public let url: URL

    public init(url: URL) { self.url = url }

    public struct Entry: Sendable, Hashable {
        public let name: String
        public let version: Int
    }

    /// Every `NAME@VERSION.json` in the folder, by name then version.
    public func entries() throws -> [Entry] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
        return files.compactMap { file -> Entry? in
            guard file.hasSuffix(".json"), let at = file.lastIndex(of: "@") else { return nil }
            guard let version = Int(file[file.index(after: at)..<file.index(file.endIndex, offsetBy: -5)]) else { return nil }
            return Entry(name: String(file[..<at]), version: version)
        }.sorted { ($0.name, $0.version) < ($1.name, $1.version) }
    }

    public func versions(of name: String) throws -> [Int] {
        try entries().filter { $0.name == name }.map(\.version)
    }

    public func nextVersion(of name: String) throws -> Int {
        (try versions(of: name).max() ?? 0) + 1
    }

    public func fileURL(name: String, version: Int) -> URL {
        url.appendingPathComponent("\(name)@\(version).json")
    }

    /// Loads and verifies one version; a tampered file is refused naming it.
    public func load(name: String, version: Int) throws(ModelFileError) -> ModelFile {
        let model = try ModelFile.load(from: fileURL(name: name, version: version))
        guard model.name == name, model.version == version else {
            throw .corrupt(file: fileURL(name: name, version: version).path,
                           reason: "file holds \(model.name)@\(model.version)")
        }
        return model
    }

    /// Saves a new version; an existing version is never overwritten, so versions stay auditable.
    @discardableResult
    public func save(_ model: ModelFile) throws -> URL {
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        let destination = fileURL(name: model.name, version: model.version)
        guard !FileManager.default.fileExists(atPath: destination.path) else {
            throw CocoaError(.fileWriteFileExists, userInfo: [NSFilePathErrorKey: destination.path])
        }
        try model.encoded().write(to: destination, options: .withoutOverwriting)
        return destination
    }
}
