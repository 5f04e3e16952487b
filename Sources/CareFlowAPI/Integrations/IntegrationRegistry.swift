import AdapterHTTP
import AsyncHTTPClient
import CareFlowCore
import Fluent
import Foundation
import InstalledPlugins

/// Builds each tenant's adapters from `tenants/<slug>.yaml` (PRODUCT §4): secrets resolved from
/// their `env:` / `file:` references, one instance per tenant and capability, rebuilt after a
/// reload. Which adapter names exist and how each is built is what the installed plugins declare.
actor IntegrationRegistry: MessageSenders, IntegrationHealthSource, TenantLLMs {
    struct Adapters: Sendable {
        let email: any EmailSender
        let sms: any SMSSender
        let push: any PushSender
        let payments: any PaymentGateway
        let llm: any LLMClient
        /// Every capability's settings with secrets resolved, for the webhook verifiers.
        let settings: [Capability: AdapterSettings]
    }

    /// Last success and last failure of a capability, for `GET /api/v1/integrations`.
    typealias Health = IntegrationHealth

    /// A tenant file whose adapters cannot be built: names tenant, capability and field.
    struct ConfigurationFailure: Error, CustomStringConvertible {
        let tenant: String
        let capability: Capability
        let reason: String
        var description: String { "tenants/\(tenant).yaml: integrations.\(capability.rawValue): \(reason)" }
    }

    private let tenants: TenantDirectory
    private let http: HTTPClient
    private let secrets: SecretResolver
    private let consoleDirectory: String
    private let db: any Database
    private let adapterDescriptors: [String: AdapterDescriptor<AdapterEnvironment>]
    private var built: [String: Adapters] = [:]
    private var slugs: [UUID: String] = [:]
    private var health: [String: [Capability: Health]] = [:]

    init(tenants: TenantDirectory, http: HTTPClient, secrets: SecretResolver, consoleDirectory: String, db: any Database,
         plugins: [Plugin] = installedPlugins) {
        // The first plugin declaring a name wins, as in `AdapterCatalog`.
        self.adapterDescriptors = plugins.flatMap(\.adapters).reduce(into: [:]) { byName, descriptor in
            if byName[descriptor.name] == nil { byName[descriptor.name] = descriptor }
        }
        self.tenants = tenants
        self.http = http
        self.secrets = secrets
        self.consoleDirectory = consoleDirectory
        self.db = db
    }

    /// Builds every tenant's adapters; the first problem stops start-up with its tenant,
    /// capability and field.
    func validateAll() throws {
        var fresh: [String: Adapters] = [:]
        for config in tenants.all { fresh[config.slug] = try make(config) }
        built = fresh
    }

    /// Reads the tenant files again and rebuilds every adapter, all or nothing.
    func reload() throws {
        let previous = tenants.all
        try tenants.reload()
        do {
            try validateAll()
        } catch {
            for config in previous { try? tenants.register(config, writeFile: false) }
            throw error
        }
    }

    func adapters(forSlug slug: String) throws -> Adapters {
        if let adapters = built[slug] { return adapters }
        let adapters = try make(tenants[slug] ?? TenantConfiguration(slug: slug, name: slug, timezone: "UTC"))
        built[slug] = adapters
        return adapters
    }

    func adapters(forTenant tenantID: UUID) async throws -> Adapters {
        try adapters(forSlug: try await slug(of: tenantID))
    }

    /// The secrets (several during a provider's rotation, comma- or newline-separated) that
    /// verify a provider's webhooks for a tenant, resolved when the adapters were built; none
    /// when the capability uses another adapter.
    func webhookSecrets(forSlug slug: String, _ capability: Capability, field: String, adapter: String) throws -> [String] {
        guard let settings = try adapters(forSlug: slug).settings[capability], settings.adapter == adapter,
              let secret = settings.secrets[field] else { return [] }
        return secret.reveal().split(whereSeparator: { $0 == "," || $0.isNewline })
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    // MARK: MessageSenders

    func emailSender(forTenant tenantID: UUID) async throws -> any EmailSender { try await adapters(forTenant: tenantID).email }
    func smsSender(forTenant tenantID: UUID) async throws -> any SMSSender { try await adapters(forTenant: tenantID).sms }
    func pushSender(forTenant tenantID: UUID) async throws -> any PushSender { try await adapters(forTenant: tenantID).push }

    // MARK: TenantLLMs

    func llm(forTenant tenantID: UUID) async throws -> TenantLLM {
        let adapters = try await adapters(forTenant: tenantID)
        return TenantLLM(adapter: adapters.settings[.llm]?.adapter ?? "none", client: adapters.llm)
    }

    func recordOutcome(tenantID: UUID, capability: Capability, error: (any Error)?) async {
        guard let slug = try? await slug(of: tenantID) else { return }
        var entry = health[slug, default: [:]][capability, default: Health()]
        if let error {
            entry.lastErrorAt = Date()
            entry.lastError = String(String(describing: error).prefix(300))
        } else {
            entry.lastSuccessAt = Date()
        }
        health[slug, default: [:]][capability] = entry
    }

    func health(ofSlug slug: String) -> [Capability: Health] { health[slug] ?? [:] }

    // MARK: Building

    private func slug(of tenantID: UUID) async throws -> String {
        if let slug = slugs[tenantID] { return slug }
        guard let tenant = try await Tenant.find(tenantID, on: db) else { throw AppError.notFound("Unknown tenant") }
        slugs[tenantID] = tenant.slug
        return tenant.slug
    }

    private func make(_ config: TenantConfiguration) throws -> Adapters {
        let environment = AdapterEnvironment(http: http, tenantSlug: config.slug, consoleDirectory: consoleDirectory)
        func settings(_ capability: Capability) throws -> AdapterSettings {
            let integration = config.integration(for: capability)
            var plain: [String: String] = [:], resolved: [String: ResolvedSecret] = [:]
            for (name, value) in integration.settings {
                switch value {
                case .plain(let text): plain[name] = text
                case .secret(let reference):
                    do { resolved[name] = ResolvedSecret(try secrets.resolve(reference)) } catch {
                        throw ConfigurationFailure(tenant: config.slug, capability: capability, reason: "\(name): \(error)")
                    }
                }
            }
            // Also for configurations that did not come through the loader.
            if let url = plain["base_url"], let problem = secrets.policy.adapterURLProblem(url) {
                throw ConfigurationFailure(tenant: config.slug, capability: capability, reason: "base_url: \(problem)")
            }
            return AdapterSettings(adapter: integration.adapter, plain: plain, secrets: resolved)
        }
        var resolved: [Capability: AdapterSettings] = [:]
        for capability in Capability.allCases { resolved[capability] = try settings(capability) }
        /// The capability's adapter from its plugin's factory; an adapter without one for this
        /// capability (unknown, or declared but not built yet) is "no such adapter".
        func build<T>(_ capability: Capability, _ factory: (AdapterFactory<AdapterEnvironment>) -> AdapterFactory<AdapterEnvironment>.Build<T>?) throws -> T {
            guard let s = resolved[capability] else { preconditionFailure("every capability was resolved above") }
            do {
                guard let descriptor = adapterDescriptors[s.adapter], descriptor.capabilities.contains(capability),
                      let make = factory(descriptor.factory)
                else { throw AdapterConfigurationError(adapter: s.adapter, field: "adapter", reason: "no such adapter") }
                return try make(s, environment)
            } catch let error as ConfigurationFailure { throw error } catch {
                throw ConfigurationFailure(tenant: config.slug, capability: capability, reason: "\(error)")
            }
        }
        return Adapters(
            email: try build(.email) { $0.email },
            sms: try build(.sms) { $0.sms },
            push: try build(.push) { $0.push },
            payments: try build(.payments) { $0.payments },
            llm: try build(.llm) { $0.llm },
            settings: resolved)
    }
}
