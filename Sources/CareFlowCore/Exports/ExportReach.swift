import FluentKit
import Foundation

/// The facilities whose rows an export may write: those where the caller may both run exports
/// (`export.run`) and read the dataset (its read action). `facilities == nil` is the whole
/// tenant. Resolved before the first byte, so a caller with no reach gets an audited 403 as a
/// problem+json instead of an empty file.
struct ExportReach: Sendable {
    let facilities: Set<UUID>?

    static func resolve(_ principal: Principal, reading action: Action, facilityFilter: UUID?, guardian: AccessGuard,
                        in scope: TenantScope, origin: RequestOrigin) async throws -> ExportReach {
        let exporting = AccessDecision.facilities(for: principal, .exportRun)
        if exporting?.isEmpty == true {
            try await guardian.authorize(principal, .exportRun, on: .tenant, origin: origin, db: scope.db)
        }
        let reading = AccessDecision.facilities(for: principal, action)
        if reading?.isEmpty == true {
            try await guardian.authorize(principal, action, on: .tenant, origin: origin, db: scope.db)
        }
        var facilities: Set<UUID>? = switch (exporting, reading) {
        case (nil, nil): nil
        case (let only?, nil), (nil, let only?): only
        case (let a?, let b?): a.intersection(b)
        }
        if let wanted = facilityFilter {
            // Another facility's id is a 403 (audited by the guard), as for the lists; a tenant-wide
            // caller asking for a facility of another tenant simply finds no rows.
            if let reach = facilities, !reach.contains(wanted) {
                try await guardian.authorize(principal, .exportRun, on: .facility(wanted), origin: origin, db: scope.db)
                try await guardian.authorize(principal, action, on: .facility(wanted), origin: origin, db: scope.db)
                throw AppError.forbidden("You are not allowed to \(Action.exportRun.rawValue) here")
            }
            facilities = [wanted]
        }
        if facilities?.isEmpty == true { throw AppError.forbidden("You are not allowed to \(Action.exportRun.rawValue) here") }
        return ExportReach(facilities: facilities)
    }
}
