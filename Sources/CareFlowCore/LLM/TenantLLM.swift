import Foundation

/// The LLM a tenant's configuration chose (`integrations.llm`), with the adapter's name for the
/// record of each exchange.
public struct TenantLLM: Sendable {
    /// As in the tenant file: `openai`, `groq`, `console`, `none`.
    public let adapter: String
    public let client: any LLMClient

    public init(adapter: String, client: any LLMClient) {
        self.adapter = adapter
        self.client = client
    }

    /// `none` switches the capability off.
    public var isDisabled: Bool { adapter == "none" }

    /// A provider's model answers: not `none`, and not the development `console` recorder, which
    /// answers every request with the smallest value its schema allows. Features with a
    /// rule-based path take it when this is false.
    public var isLanguageModel: Bool { adapter != "none" && adapter != "console" }
}

/// Where the core finds each tenant's LLM. The application's adapter registry implements it
/// from `tenants/<slug>.yaml`; the core never names a provider.
public protocol TenantLLMs: Sendable {
    func llm(forTenant tenantID: UUID) async throws -> TenantLLM
}
