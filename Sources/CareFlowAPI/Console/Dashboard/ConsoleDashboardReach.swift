import CareFlowCore
import Foundation

/// Where the dashboard may look for one caller, decided by the policy table the analytics
/// service enforces (`AccessDecision`), never by a rule of its own: the facility picker offers
/// the tenant only to a tenant-wide grant and otherwise the caller's facilities, and a chart
/// appears only when its metric's action is granted where the caller looks (billing: revenue).
struct ConsoleDashboardReach {
    /// The dashboard's charts, in page order.
    static let metrics: [AnalyticsMetric] = [.admissions, .occupancy, .appointments, .noShowRate, .revenue]

    let principal: Principal
    /// Whether some chart may be read for the whole tenant.
    let tenantWide: Bool
    /// The facilities where some chart may be read, by name.
    let facilities: [Facility]

    init(principal: Principal, facilities all: [Facility]) {
        self.principal = principal
        tenantWide = Self.metrics.contains { AccessDecision.isAllowed(principal, $0.action, on: .tenant) }
        facilities = all.filter { facility in
            guard let id = facility.id else { return false }
            return Self.metrics.contains { AccessDecision.isAllowed(principal, $0.action, on: .facility(id)) }
        }.sorted { ($0.name, $0.code) < ($1.name, $1.code) }
    }

    /// Where the page looks when the caller names no facility: the tenant for a tenant-wide
    /// grant, else the caller's first facility (the tenant would only be refused).
    var defaultFacilityID: UUID? {
        tenantWide ? nil : facilities.first?.id
    }

    /// The charts for `facilityID` (nil: the tenant). With none granted there, the first chart
    /// all the same, so the service answers exactly as the API does: 404 for a facility of
    /// another tenant, an audited 403 for one out of reach.
    func metrics(for facilityID: UUID?) -> [AnalyticsMetric] {
        let target: AccessTarget = facilityID.map { .facility($0) } ?? .tenant
        let granted = Self.metrics.filter { AccessDecision.isAllowed(principal, $0.action, on: target) }
        return granted.isEmpty ? [Self.metrics[0]] : granted
    }
}
