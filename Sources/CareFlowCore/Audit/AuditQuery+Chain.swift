import FluentKit
import Foundation

/// The tenant's own hash chain, checked by the verifier `careflow audit verify` runs. The chain
/// holds the events of every facility, so only a tenant-wide reader (`audit.read` at tenant
/// scope) may ask about it; anyone else is refused (and the refusal recorded) by the guard.
extension AuditQuery {
    /// The last sequence number of the tenant's chain (0 when empty): how long a verification
    /// would take, read from the (chain, seq) index.
    public func chainLength(in context: RequestContext) async throws -> Int {
        let (scope, principal, origin) = (context.scope, context.principal, context.origin)
        try await guardian.authorize(principal, .auditRead, on: .tenant, origin: origin, db: scope.db)
        return try await AuditEvent.query(on: scope.db).filter(\.$chain == AuditLog.chainKey(for: scope.tenantID))
            .sort(\.$seq, .descending).first()?.seq ?? 0
    }

    /// Re-computes the tenant's chain from its first event; the first break, if any, is where
    /// an edit, deletion or insertion happened.
    public func verifyChain(in context: RequestContext) async throws -> AuditChainVerifier.Report {
        let (scope, principal, origin) = (context.scope, context.principal, context.origin)
        try await guardian.authorize(principal, .auditRead, on: .tenant, origin: origin, db: scope.db)
        return try await AuditChainVerifier().verify(chain: AuditLog.chainKey(for: scope.tenantID), on: scope.db)
    }
}

extension AuditQuery {
    /// Only the check `list` makes first: may the caller read the trail (with these filters)?
    /// For a page that refuses a malformed filter before it lists anything, but must still
    /// refuse (and record) a caller who may not read the trail at all.
    public func authorizeRead(_ filters: Filters = Filters(), in context: RequestContext) async throws {
        _ = try await authorize(filters, in: context.scope, by: context.principal, origin: context.origin)
    }
}
