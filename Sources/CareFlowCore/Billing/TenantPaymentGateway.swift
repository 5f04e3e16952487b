import Foundation

/// The payments adapter a tenant's configuration chose (`integrations.payments`), with its name
/// (recorded on the invoice as `payment_provider`, and the webhook provider its events come from).
public struct TenantPaymentGateway: Sendable {
    /// As in the tenant file (`console`, `none`, or a plugin's adapter).
    public let adapter: String
    public let gateway: any PaymentGateway

    public init(adapter: String, gateway: any PaymentGateway) {
        self.adapter = adapter
        self.gateway = gateway
    }
}

/// Where the core finds each tenant's payments adapter. The application's adapter registry
/// implements it from `tenants/<slug>.yaml`; the core never names a provider.
public protocol TenantPaymentGateways: Sendable {
    func payments(forTenant tenantID: UUID) async throws -> TenantPaymentGateway
}
