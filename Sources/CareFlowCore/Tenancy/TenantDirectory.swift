import Foundation
import Synchronization

/// The validated tenant configuration files, by slug. Read at start-up; replaced as a whole.
public final class TenantDirectory: Sendable {
    private let configs: Mutex<[String: TenantConfiguration]>
    public let path: String
    /// Applied to every load and reload.
    public let policy: TenantSecretPolicy
    /// The installed plugins' adapters: what tenant files may choose.
    public let adapters: AdapterCatalog

    public init(path: String, configurations: [TenantConfiguration], policy: TenantSecretPolicy = TenantSecretPolicy(),
                adapters: AdapterCatalog) {
        self.path = path
        self.policy = policy
        self.adapters = adapters
        self.configs = Mutex(Dictionary(uniqueKeysWithValues: configurations.map { ($0.slug, $0) }))
    }

    /// Loads every `*.yaml` of the folder; an invalid file throws with file, field and reason.
    public static func load(from path: String, policy: TenantSecretPolicy = TenantSecretPolicy(),
                            adapters: AdapterCatalog) throws -> TenantDirectory {
        let configs = FileManager.default.fileExists(atPath: path)
            ? try TenantConfigurationLoader.loadDirectory(path, policy: policy, adapters: adapters) : []
        return TenantDirectory(path: path, configurations: configs, policy: policy, adapters: adapters)
    }

    public subscript(slug: String) -> TenantConfiguration? {
        configs.withLock { $0[slug] }
    }

    public var all: [TenantConfiguration] {
        configs.withLock { $0.values.sorted { $0.slug < $1.slug } }
    }

    /// Reads the folder again (`careflow tenants reload`, SIGHUP). All or nothing: an invalid
    /// file throws and the configurations in force stay as they were. Returns the new set.
    @discardableResult
    public func reload() throws -> [TenantConfiguration] {
        let fresh = FileManager.default.fileExists(atPath: path)
            ? try TenantConfigurationLoader.loadDirectory(path, policy: policy, adapters: adapters) : []
        configs.withLock { current in
            // Tenants onboarded without a file stay known until they get one.
            var next = Dictionary(uniqueKeysWithValues: fresh.map { ($0.slug, $0) })
            for (slug, config) in current where next[slug] == nil { next[slug] = config }
            current = next
        }
        return all
    }

    /// Writes `tenants/<slug>.yaml` for a tenant onboarded without one, and registers it.
    public func register(_ config: TenantConfiguration, writeFile: Bool) throws {
        if writeFile {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            let file = (path as NSString).appendingPathComponent("\(config.slug).yaml")
            if !FileManager.default.fileExists(atPath: file) {
                try TenantConfigurationLoader.render(config, adapters: adapters).write(toFile: file, atomically: true, encoding: .utf8)
            }
        }
        configs.withLock { $0[config.slug] = config }
    }
}
