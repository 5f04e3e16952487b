import FluentKit
import Foundation

/// Reads a tenant's audit trail with filters; facility admins see only their facilities' events.
public struct AuditQuery: Sendable {
    public struct Filters: Sendable {
        public var action: String?
        public var actorID: UUID?
        public var targetID: String?
        /// `patient`, `outbox_message`, … (the `target_type` column).
        public var targetType: String?
        public var facilityID: UUID?
        public var outcome: AuditOutcome?
        public var from: Date?
        public var to: Date?

        public init(action: String? = nil, actorID: UUID? = nil, targetID: String? = nil, targetType: String? = nil,
                    facilityID: UUID? = nil, outcome: AuditOutcome? = nil, from: Date? = nil, to: Date? = nil) {
            self.action = action
            self.actorID = actorID
            self.targetID = targetID
            self.targetType = targetType
            self.facilityID = facilityID
            self.outcome = outcome
            self.from = from
            self.to = to
        }
    }

    let guardian: AccessGuard

    public init(guardian: AccessGuard) {
        self.guardian = guardian
    }

    /// Newest first, a page at a time (at most `PageRequest.maxLimit` rows per call).
    public func list(_ filters: Filters, in context: RequestContext,
                     page: PageRequest) async throws -> Page<AuditEvent> {
        let (scope, principal, origin) = (context.scope, context.principal, context.origin)
        let visible = try await authorize(filters, in: scope, by: principal, origin: origin)
        var query = filtered(filters, visible: visible, in: scope).sort(\.$seq, .descending).limit(page.limit + 1)
        if let cursor = page.cursor {
            guard let seq = Int(cursor.key) else { throw AppError.invalid("cursor", "is not a cursor returned by this API") }
            query = query.filter(\.$seq < seq)
        }
        let rows = try await query.all()
        let items = Array(rows.prefix(page.limit))
        return Page(items: items, nextCursor: rows.count > page.limit ? Cursor(key: String(items.last!.seq)).encoded : nil)
    }

    /// Checks the caller may read the trail (and the facility asked for); the facilities they
    /// see, or nil for all of the tenant's.
    func authorize(_ filters: Filters, in scope: TenantScope, by principal: Principal, origin: RequestOrigin) async throws -> Set<UUID>? {
        let visible = AccessDecision.facilities(for: principal, .auditRead)
        if let facilityID = filters.facilityID {
            try await guardian.authorize(principal, .auditRead, on: .facility(facilityID), origin: origin, db: scope.db)
        } else if let visible, visible.isEmpty {
            // No role that reads any audit: this denies and records the attempt.
            try await guardian.authorize(principal, .auditRead, on: .tenant, origin: origin, db: scope.db)
        }
        return visible
    }

    /// The tenant's chain, narrowed to what the caller sees and the filters ask for; unsorted.
    func filtered(_ filters: Filters, visible: Set<UUID>?, in scope: TenantScope) -> QueryBuilder<AuditEvent> {
        var query = AuditEvent.query(on: scope.db).filter(\.$chain == AuditLog.chainKey(for: scope.tenantID))
        if let visible { query = query.filter(\.$facilityID ~~ Array(visible)) }
        if let f = filters.facilityID { query = query.filter(\.$facilityID == f) }
        if let a = filters.action { query = query.filter(\.$action == a) }
        if let a = filters.actorID { query = query.filter(\.$actorID == a) }
        if let t = filters.targetID { query = query.filter(\.$targetID == t) }
        if let t = filters.targetType { query = query.filter(\.$targetType == t) }
        if let o = filters.outcome { query = query.filter(\.$outcome == o.rawValue) }
        if let from = filters.from { query = query.filter(\.$occurredAtMs >= Int64(from.timeIntervalSince1970 * 1000)) }
        if let to = filters.to { query = query.filter(\.$occurredAtMs < Int64(to.timeIntervalSince1970 * 1000)) }
        return query
    }
}
