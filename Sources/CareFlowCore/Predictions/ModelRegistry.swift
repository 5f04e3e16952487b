import CareFlowModels
import Foundation

/// The served models: the model folder (`$CAREFLOW_DATA_DIR/models/`), which version of each is
/// active (`active.json`), and one verified `Predictor` per active model, kept in memory.
///
/// On first start the folder is seeded with the repository's shipped models, so every endpoint
/// answers without training. A model file that fails its checksum is refused when it is loaded,
/// naming the file.
public actor ModelRegistry {
    public nonisolated let directory: ModelDirectory
    private var predictors: [String: Predictor] = [:]

    /// `active.json`: `{"health-risk": 1, …}`.
    public nonisolated var activeFile: URL { directory.url.appendingPathComponent("active.json") }

    public init(directory: ModelDirectory) {
        self.directory = directory
    }

    /// Copies the shipped `NAME@VERSION.json` files that the folder does not hold yet and records
    /// them as active where no version is active. Existing files are never overwritten.
    public nonisolated func seed(from shipped: URL) throws {
        try FileManager.default.createDirectory(at: directory.url, withIntermediateDirectories: true)
        let source = ModelDirectory(url: shipped)
        var active = readActive()
        for entry in try source.entries() {
            let destination = directory.fileURL(name: entry.name, version: entry.version)
            if !FileManager.default.fileExists(atPath: destination.path) {
                try FileManager.default.copyItem(at: source.fileURL(name: entry.name, version: entry.version), to: destination)
            }
            if active[entry.name] == nil { active[entry.name] = entry.version }
        }
        try writeActive(active)
    }

    /// The active version of every model in the folder: the recorded one, else the newest.
    public nonisolated func activeVersions() throws -> [String: Int] {
        let recorded = readActive()
        var result: [String: Int] = [:]
        for entry in try directory.entries() {
            result[entry.name] = recorded[entry.name] ?? max(result[entry.name] ?? 0, entry.version)
        }
        return result
    }

    /// Loads (and verifies) every active model; the first bad file stops start-up, named.
    public func loadAll() throws {
        var loaded: [String: Predictor] = [:]
        for (name, version) in try activeVersions() {
            loaded[name] = try Predictor(model: try directory.load(name: name, version: version))
        }
        predictors = loaded
    }

    /// The active predictor of a model; nil for a model the folder does not hold.
    public func predictor(for name: String) throws -> Predictor? {
        if let cached = predictors[name] { return cached }
        guard let version = try activeVersions()[name] else { return nil }
        let predictor = try Predictor(model: try directory.load(name: name, version: version))
        predictors[name] = predictor
        return predictor
    }

    /// Makes a saved version the active one; the file is verified first, so a tampered version is
    /// refused (naming the file) and the active one stays.
    public func activate(name: String, version: Int) throws -> ModelFile {
        let model = try directory.load(name: name, version: version)
        let predictor = try Predictor(model: model)
        var active = readActive()
        active[name] = version
        try writeActive(active)
        predictors[name] = predictor
        return model
    }

    /// Loads the active versions again (after `careflow model activate` in another process).
    /// All or nothing: `loadAll` swaps in the new set only when every file verified.
    public func reload() throws {
        try loadAll()
    }

    private nonisolated func readActive() -> [String: Int] {
        guard let data = try? Data(contentsOf: activeFile) else { return [:] }
        return (try? JSONDecoder().decode([String: Int].self, from: data)) ?? [:]
    }

    private nonisolated func writeActive(_ active: [String: Int]) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        try encoder.encode(active).write(to: activeFile, options: .atomic)
    }
}
