import Foundation

/// One adapter's settings with secret references already resolved: what an adapter factory
/// receives. Secret fields (`IntegrationSettings.secretFieldNames`) are held as
/// `ResolvedSecret`, so printing the settings never shows them.
public struct AdapterSettings: Sendable, Equatable, CustomStringConvertible {
    /// The adapter name as in the tenant file, used in error messages.
    public var adapter: String
    public private(set) var plain: [String: String]
    public private(set) var secrets: [String: ResolvedSecret]

    public init(adapter: String, plain: [String: String] = [:], secrets: [String: ResolvedSecret] = [:]) {
        self.adapter = adapter
        self.plain = plain
        self.secrets = secrets
    }

    /// From a flat map whose secret values are already resolved: names in
    /// `IntegrationSettings.secretFieldNames` become secrets, the rest stay plain.
    public init(adapter: String, values: [String: String]) {
        self.adapter = adapter
        self.plain = values.filter { !IntegrationSettings.secretFieldNames.contains($0.key) }
        self.secrets = values.filter { IntegrationSettings.secretFieldNames.contains($0.key) }.mapValues(ResolvedSecret.init)
    }

    /// A plain setting that must be present and non-empty.
    public func required(_ name: String) throws(AdapterConfigurationError) -> String {
        guard let value = plain[name]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else {
            throw AdapterConfigurationError(adapter: adapter, field: name, reason: "required")
        }
        return value
    }

    /// A plain setting that may be absent (empty counts as absent).
    public func optional(_ name: String) -> String? {
        guard let value = plain[name]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        return value
    }

    /// A secret setting that must be present and non-empty.
    public func secret(_ name: String) throws(AdapterConfigurationError) -> ResolvedSecret {
        guard let value = secrets[name], !value.isEmpty else {
            throw AdapterConfigurationError(adapter: adapter, field: name, reason: "required secret is missing or empty")
        }
        return value
    }

    /// `base_url` when given (without a trailing `/`), else the provider's default. Only
    /// `http://` and `https://` URLs are accepted.
    public func baseURL(default defaultURL: String) throws(AdapterConfigurationError) -> String {
        guard let given = optional("base_url") else { return defaultURL }
        guard given.hasPrefix("https://") || given.hasPrefix("http://") else {
            throw AdapterConfigurationError(adapter: adapter, field: "base_url", reason: "expected an http:// or https:// URL")
        }
        var url = Substring(given)
        while url.hasSuffix("/") { url = url.dropLast() }
        return String(url)
    }

    /// Plain values shown; secrets only by name.
    public var description: String {
        let shown = plain.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            + secrets.keys.sorted().map { "\($0)=<redacted>" }
        return "\(adapter)(\(shown.joined(separator: ", ")))"
    }
}

extension AdapterSettings {
    /// From a tenant's configured settings, reading each secret reference with `resolve`
    /// (the registry's `env:` / `file:` reader). Plain values are kept as they are.
    public init(_ settings: IntegrationSettings, resolve: (SecretReference) throws -> String) rethrows {
        var plain: [String: String] = [:]
        var secrets: [String: ResolvedSecret] = [:]
        for (name, value) in settings.settings {
            switch value {
            case .plain(let text): plain[name] = text
            case .secret(let reference): secrets[name] = ResolvedSecret(try resolve(reference))
            }
        }
        self.init(adapter: settings.adapter, plain: plain, secrets: secrets)
    }
}
