/// An adapter cannot be built from its settings. The registry adds tenant and capability:
/// `kigali-health: integrations.sms.auth_token: required secret is missing or empty`.
public struct AdapterConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    public var adapter: String
    /// The setting at fault (`secret_key`, `service_account.private_key`).
    public var field: String
    /// Why; never contains a secret value.
    public var reason: String

    public init(adapter: String, field: String, reason: String) {
        self.adapter = adapter
        self.field = field
        self.reason = reason
    }

    public var description: String { "adapter '\(adapter)': \(field): \(reason)" }
}
