import AsyncHTTPClient
import CareFlowCore
import Synchronization

/// What the application hands every adapter factory when it builds one tenant's adapters.
public struct AdapterEnvironment: Sendable {
    /// The one client all adapters share (built with `ProviderClient.configuration(timeouts:)`).
    public let http: HTTPClient
    public let tenantSlug: String
    /// `$CAREFLOW_DATA_DIR/console`, where the `console` adapter records messages.
    public let consoleDirectory: String
    private let shared: SharedInstances

    public init(http: HTTPClient, tenantSlug: String, consoleDirectory: String) {
        self.http = http
        self.tenantSlug = tenantSlug
        self.consoleDirectory = consoleDirectory
        self.shared = SharedInstances()
    }

    /// One instance per key for all the adapters built with this environment (one tenant's
    /// build): e.g. the console adapters of every capability append to one journal, whose
    /// writes must not interleave.
    public func shared<T: Sendable>(_ key: String, _ make: () -> T) -> T {
        shared.instance(key, make)
    }

    private final class SharedInstances: Sendable {
        private let instances = Mutex<[String: any Sendable]>([:])

        func instance<T: Sendable>(_ key: String, _ make: () -> T) -> T {
            instances.withLock { instances in
                if let existing = instances[key] as? T { return existing }
                let made = make()
                instances[key] = made
                return made
            }
        }
    }
}

/// What a `Plugins/<Name>` target exports: `public let <name>Plugin = Plugin(adapters: …, webhooks: …)`.
public typealias Plugin = ProviderPlugin<AdapterEnvironment>
