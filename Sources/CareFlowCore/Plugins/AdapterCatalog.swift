/// The adapter names a tenant file may use, per capability, with their settings: what the
/// installed plugins declare, without their factories (the tenant-file loader needs no more).
public struct AdapterCatalog: Sendable {
    public struct Entry: Sendable {
        public let name: String
        public let capabilities: [Capability]
        public let settings: SettingsSchema

        public init(name: String, capabilities: [Capability], settings: SettingsSchema) {
            self.name = name
            self.capabilities = capabilities
            self.settings = settings
        }
    }

    /// In the plugins' order, which is the order error messages list them in.
    public let entries: [Entry]

    public init(_ entries: [Entry]) {
        self.entries = entries
    }

    public init<Environment>(_ plugins: [ProviderPlugin<Environment>]) {
        self.init(plugins.flatMap { plugin in
            plugin.adapters.map { Entry(name: $0.name, capabilities: $0.capabilities, settings: $0.settings) }
        })
    }

    /// The adapter `name` when it serves `capability`.
    public func adapter(named name: String, for capability: Capability) -> Entry? {
        entries.first { $0.name == name && $0.capabilities.contains(capability) }
    }

    /// Any adapter called `name`, whatever it serves (rendering a configuration).
    public func adapter(named name: String) -> Entry? {
        entries.first { $0.name == name }
    }

    /// Every adapter name accepted for a capability.
    public func adapterNames(for capability: Capability) -> [String] {
        entries.filter { $0.capabilities.contains(capability) }.map(\.name)
    }
}
