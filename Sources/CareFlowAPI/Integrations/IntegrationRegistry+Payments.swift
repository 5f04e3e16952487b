import CareFlowCore
import Foundation

extension IntegrationRegistry: TenantPaymentGateways {
    func payments(forTenant tenantID: UUID) async throws -> TenantPaymentGateway {
        let adapters = try await adapters(forTenant: tenantID)
        return TenantPaymentGateway(adapter: adapters.settings[.payments]?.adapter ?? "none", gateway: adapters.payments)
    }
}
