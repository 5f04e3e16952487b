import FluentKit
import Foundation

/// A tenant's audit trail read out whole, oldest first (chain order), for auditors. It can hold
/// millions of events, so it is never loaded at once: `stream` reads keyset pages on the
/// (chain, seq) index and hands each to the caller before reading the next, so memory holds one
/// page and no query re-reads what was already sent. It covers the events that existed when the
/// export was authorized (later ones, its own `audit.export` event among them, are left out).
public struct AuditExport: Sendable {
    /// Rows per query.
    public static let defaultBatchSize = 500

    let query: AuditQuery
    let filters: AuditQuery.Filters
    let visible: Set<UUID>?
    let scope: TenantScope
    let lastSeq: Int
    let batchSize: Int

    /// Calls `each` with consecutive batches in `seq` order until the trail (as of the start) ends.
    public func stream(_ each: ([AuditEvent]) async throws -> Void) async throws {
        var after = 0
        while after < lastSeq {
            let rows = try await query.filtered(filters, visible: visible, in: scope)
                .filter(\.$seq > after).filter(\.$seq <= lastSeq)
                .sort(\.$seq, .ascending).limit(batchSize).all()
            guard let last = rows.last else { return }
            try await each(rows)
            after = last.seq
            if rows.count < batchSize { return }
        }
    }
}

extension AuditQuery {
    /// Authorizes an export (the same rules as `list`: facility admins get their facilities'
    /// events only) and records it as `audit.export` before a row is read.
    public func export(_ filters: Filters, in context: RequestContext,
                       batchSize: Int = AuditExport.defaultBatchSize) async throws -> AuditExport {
        let (scope, principal, origin) = (context.scope, context.principal, context.origin)
        let visible = try await authorize(filters, in: scope, by: principal, origin: origin)
        let head = try await AuditEvent.query(on: scope.db).filter(\.$chain == AuditLog.chainKey(for: scope.tenantID))
            .sort(\.$seq, .descending).first()
        var details = ["up_to_seq": String(head?.seq ?? 0)]
        details["action"] = filters.action
        details["actor_id"] = filters.actorID?.lowercasedString
        details["target_id"] = filters.targetID
        details["outcome"] = filters.outcome?.rawValue
        details["from"] = filters.from?.ISO8601Format()
        details["to"] = filters.to?.ISO8601Format()
        try await guardian.audit.append(
            AuditRecord(tenantID: scope.tenantID, facilityID: filters.facilityID, actor: principal.auditActor, action: .auditExport,
                        targetType: "audit_trail", targetID: AuditLog.chainKey(for: scope.tenantID), details: details),
            origin: origin, on: scope.db)
        return AuditExport(query: self, filters: filters, visible: visible, scope: scope, lastSeq: head?.seq ?? 0,
                           batchSize: batchSize)
    }
}
