import AsyncHTTPClient
import CareFlowCore
import ConsoleAdapter
import FCMAdapter
import Fluent
import Foundation
import OpenAIAdapter
import SendGridAdapter
import StripeAdapter
import TwilioAdapter

/// Builds each tenant's adapters from `tenants/<slug>.yaml` (PRODUCT §4): secrets resolved from
/// their `env:` / `file:` references, one instance per tenant and capability, rebuilt after a
/// reload. Adding a provider is one new Plugins target plus one line in `make`.
actor IntegrationRegistry: MessageSenders, IntegrationHealthSource {
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
    private var built: [String: Adapters] = [:]
    private var slugs: [UUID: String] = [:]
    private var health: [String: [Capability: Health]] = [:]

    init(tenants: TenantDirectory, http: HTTPClient, secrets: SecretResolver, consoleDirectory: String, db: any Database) {
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
        let journal = ConsoleJournal(directory: consoleDirectory, tenantSlug: config.slug)
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
        func build<T>(_ capability: Capability, _ body: (String, AdapterSettings) throws -> T) throws -> T {
            let s = resolved[capability]!
            do { return try body(s.adapter, s) } catch let error as ConfigurationFailure { throw error } catch {
                throw ConfigurationFailure(tenant: config.slug, capability: capability, reason: "\(error)")
            }
        }
        func unknown(_ adapter: String) -> any Error { AdapterConfigurationError(adapter: adapter, field: "adapter", reason: "no such adapter") }
        return Adapters(
            email: try build(.email) { adapter, s in
                switch adapter {
                case "sendgrid": try SendGridAdapterFactory.make(settings: s, http: http)
                case "console": ConsoleEmailSender(journal: journal)
                case "none": DisabledIntegration()
                default: throw unknown(adapter)  // smtp: validated by the loader, not built yet
                }
            },
            sms: try build(.sms) { adapter, s in
                switch adapter {
                case "twilio": try TwilioAdapterFactory.make(settings: s, http: http)
                case "console": ConsoleSMSSender(journal: journal)
                case "none": DisabledIntegration()
                default: throw unknown(adapter)
                }
            },
            push: try build(.push) { adapter, s in
                switch adapter {
                case "fcm": try FCMAdapterFactory.make(settings: s, http: http)
                case "console": ConsolePushSender(journal: journal)
                case "none": DisabledIntegration()
                default: throw unknown(adapter)
                }
            },
            payments: try build(.payments) { adapter, s in
                switch adapter {
                case "stripe": try StripeAdapterFactory.make(settings: s, http: http)
                case "console": ConsolePaymentGateway(journal: journal)
                case "none": DisabledIntegration()
                default: throw unknown(adapter)
                }
            },
            llm: try build(.llm) { adapter, s in
                switch adapter {
                case "openai", "groq": try OpenAIAdapterFactory.make(settings: s, http: http)
                case "console": ConsoleLLMClient(journal: journal)
                case "none": DisabledIntegration()
                default: throw unknown(adapter)
                }
            },
            settings: resolved)
    }
}
