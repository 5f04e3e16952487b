import CareFlowCore
import Fluent
import Foundation

/// The wall clock of a tenant's care steps, from its tenant file: the tenant's time zone (UTC
/// for a tenant without a file) and the default quiet hours, 21:00–07:00.
enum StepCalendars {
    static func resolver(tenants: TenantDirectory, db: any Database) -> @Sendable (UUID) async throws -> StepCalendar {
        { tenantID in
            let slug = try await Tenant.find(tenantID, on: db)?.slug
            let zone = slug.flatMap { tenants[$0] }.flatMap { TimeZone(identifier: $0.timezone) } ?? TimeZone(identifier: "UTC")!
            return StepCalendar(zone: zone, quiet: .standard)
        }
    }
}
