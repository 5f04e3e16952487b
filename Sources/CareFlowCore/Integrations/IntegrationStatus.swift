import Foundation

/// Last success and last failure of one capability's adapter since the process started.
public struct IntegrationHealth: Sendable, Equatable {
    public var lastSuccessAt: Date?
    public var lastErrorAt: Date?
    /// The error's description: adapters never put a secret in it.
    public var lastError: String?

    public init(lastSuccessAt: Date? = nil, lastErrorAt: Date? = nil, lastError: String? = nil) {
        self.lastSuccessAt = lastSuccessAt
        self.lastErrorAt = lastErrorAt
        self.lastError = lastError
    }
}

/// Where health comes from: the application's adapter registry.
public protocol IntegrationHealthSource: Sendable {
    func health(ofSlug slug: String) async -> [Capability: IntegrationHealth]
}

/// One capability as `GET /api/v1/integrations` shows it.
public struct IntegrationStatus: Sendable, Equatable {
    public let capability: Capability
    public let adapter: String
    /// Plain settings (`from`, `model`, `base_url`, …).
    public let settings: [String: String]
    /// Where each secret is read from (`env:NAME`, `file:/path`): the reference, never the value.
    public let secretReferences: [String: String]
    public let health: IntegrationHealth
}

/// The tenant's integrations: adapter, non-secret settings and health per capability.
public struct IntegrationStatusService: Sendable {
    let guardian: AccessGuard
    let tenants: TenantDirectory
    let health: any IntegrationHealthSource

    public init(guardian: AccessGuard, tenants: TenantDirectory, health: any IntegrationHealthSource) {
        self.guardian = guardian
        self.tenants = tenants
        self.health = health
    }

    public func status(ofTenant slug: String, in scope: TenantScope, by principal: Principal,
                       origin: RequestOrigin) async throws -> [IntegrationStatus] {
        try await guardian.authorize(principal, .integrationRead, on: .tenant, origin: origin, db: scope.db)
        let config = tenants[slug] ?? TenantConfiguration(slug: slug, name: slug, timezone: "UTC")
        let health = await health.health(ofSlug: slug)
        return Capability.allCases.map { capability in
            let integration = config.integration(for: capability)
            var plain: [String: String] = [:], references: [String: String] = [:]
            for (name, value) in integration.settings {
                switch value {
                // The loader refuses a secret field written in clear; never echo one if it slipped by.
                case .plain(let text): if !IntegrationSettings.secretFieldNames.contains(name) { plain[name] = text }
                case .secret(let reference): references[name] = reference.description
                }
            }
            return IntegrationStatus(capability: capability, adapter: integration.adapter, settings: plain, secretReferences: references,
                                     health: health[capability] ?? IntegrationHealth())
        }
    }
}
