import FluentKit

/// Ties a request's effect to its `Idempotency-Key` claim. A tenant transaction whose scope
/// carries one runs `mark` as part of itself, so the claim says "took effect" exactly when the
/// effect committed: a retry after an attempt that failed past its commit (the audit append or
/// the answer lost to a database restart) is never run a second time. `mark` throws when the
/// claim is gone (given up as abandoned), so an effect cannot commit without its claim.
public struct CommittedEffect: Sendable {
    let mark: @Sendable (any Database) async throws -> Void

    public init(mark: @escaping @Sendable (any Database) async throws -> Void) {
        self.mark = mark
    }
}

extension TenantScope {
    /// This scope without the request's claim, for bookkeeping that is not the request's effect
    /// (an LLM exchange recorded before its unusable answer is refused: a retry asks again).
    public var withoutEffectMark: TenantScope {
        TenantScope(tenantID: tenantID, db: db)
    }
}
