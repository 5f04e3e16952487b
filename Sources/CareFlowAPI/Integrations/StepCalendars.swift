import CareFlowCore
import Fluent
import Foundation

/// The wall clock of a tenant's care steps, from its tenant file: the tenant's time zone and its
/// `reminders.quiet_hours` (UTC and 21:00–07:00 for a tenant without a file).
enum StepCalendars {
    static func resolver(tenants: TenantDirectory, db: any Database) -> @Sendable (UUID) async throws -> StepCalendar {
        { tenantID in
            let config = try await Tenant.find(tenantID, on: db).flatMap { tenants[$0.slug] }
            return StepCalendar(NamedTimeZone(configured: config?.timezone), quiet: config?.reminders.quietHours ?? .standard)
        }
    }
}
