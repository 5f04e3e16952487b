import CareFlowCore

extension AppServices {
    /// Built from services the app holds already: it keeps no state of its own.
    var analytics: AnalyticsService { AnalyticsService(guardian: guardian, audit: audit, tenants: tenants, identities: tenantIdentities) }
}
