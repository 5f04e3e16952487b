import FluentKit
import Foundation
import SQLKit
import Synchronization

/// Tenant ids by slug for the webhook routes, so a delivery does not cost a tenant lookup.
/// Tenants are never deleted and their ids never change, so a cached id is never wrong; only a
/// tenant's status can change, and the event write checks it in the same statement
/// (`WebhookLedger`), after which `forget` drops the id. Only active tenants are cached, and
/// only slugs that have a tenant file reach here, so the cache cannot be grown from outside.
final class WebhookTenantIDs: Sendable {
    private let ids = Mutex<[String: UUID]>([:])

    func id(forSlug slug: String, on db: any Database) async throws -> UUID? {
        if let id = ids.withLock({ $0[slug] }) { return id }
        guard let sql = db as? any SQLDatabase else { throw AppError.unavailable("SQL database required") }
        guard let row = try await sql.raw("SELECT id, status FROM tenants WHERE slug = \(bind: slug)").first(),
              try row.decode(column: "status", as: String.self) == Tenant.Status.active.rawValue else { return nil }
        let id = try row.decode(column: "id", as: UUID.self)
        ids.withLock { $0[slug] = id }
        return id
    }

    /// Drops a tenant found inactive: the next delivery looks it up again.
    func forget(_ tenantID: UUID) {
        ids.withLock { $0 = $0.filter { $0.value != tenantID } }
    }
}
