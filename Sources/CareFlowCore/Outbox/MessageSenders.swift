import Foundation

/// The adapters the worker delivers through, per tenant. The registry of the application
/// implements it from `tenants/<slug>.yaml`; the core never names a provider.
public protocol MessageSenders: Sendable {
    func emailSender(forTenant tenantID: UUID) async throws -> any EmailSender
    func smsSender(forTenant tenantID: UUID) async throws -> any SMSSender
    func pushSender(forTenant tenantID: UUID) async throws -> any PushSender
    /// Health bookkeeping for `GET /api/v1/integrations`.
    func recordOutcome(tenantID: UUID, capability: Capability, error: (any Error)?) async
}
