import FluentKit
import Foundation
import SQLKit
import Synchronization

/// Tenant slug ↔ id, remembered for the process. Tenants are never deleted and neither their
/// slug nor their id ever changes, so a remembered pair is never wrong; requests use it instead
/// of loading the tenant row (webhook routes name the tenant by slug, the tenant file is found
/// by slug from a token's tenant id). Only a tenant's status changes: callers that care check it
/// where they write (`WebhookLedger`) and `forget` a tenant found inactive.
public final class TenantIdentities: Sendable {
    private struct Pairs {
        var idBySlug: [String: UUID] = [:]
        var slugByID: [UUID: String] = [:]
    }

    private let pairs = Mutex(Pairs())

    public init() {}

    /// The id of the tenant with this slug, looked up only if it is active; `nil` if there is
    /// none. A remembered id may belong to a tenant suspended since, so a writer checks the
    /// status itself. Only slugs that have a tenant file should reach here, so the memory cannot
    /// be grown from outside.
    public func activeID(forSlug slug: String, on db: any Database) async throws -> UUID? {
        if let id = pairs.withLock({ $0.idBySlug[slug] }) { return id }
        guard let sql = db as? any SQLDatabase else { throw AppError.unavailable("SQL database required") }
        guard let row = try await sql.raw("SELECT id, status FROM tenants WHERE slug = \(bind: slug)").first(),
              try row.decode(column: "status", as: String.self) == Tenant.Status.active.rawValue else { return nil }
        let id = try row.decode(column: "id", as: UUID.self)
        remember(id: id, slug: slug)
        return id
    }

    public func slug(of tenantID: UUID) -> String? {
        pairs.withLock { $0.slugByID[tenantID] }
    }

    public func remember(id: UUID, slug: String) {
        pairs.withLock {
            $0.idBySlug[slug] = id
            $0.slugByID[id] = slug
        }
    }

    /// Drops a tenant found inactive: the next lookup by slug asks the database again.
    public func forget(_ tenantID: UUID) {
        pairs.withLock {
            if let slug = $0.slugByID.removeValue(forKey: tenantID) { $0.idBySlug[slug] = nil }
        }
    }
}
