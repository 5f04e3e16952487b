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

    /// `none` switches the capability off: features use their rule-based path instead.
    public var isDisabled: Bool { adapter == "none" }
}

/// Where the core finds each tenant's LLM. The application's adapter registry implements it
/// from `tenants/<slug>.yaml`; the core never names a provider.
public protocol TenantLLMs: Sendable {
    func llm(forTenant tenantID: UUID) async throws -> TenantLLM
}
