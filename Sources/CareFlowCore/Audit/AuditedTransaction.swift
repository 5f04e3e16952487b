import FluentKit

extension TenantScope {
    /// Runs `change` and appends the audit event it returns in one transaction: the change and
    /// its event commit together or not at all.
    ///
    /// Appending after the change's own commit left a window in which a crash, a restart or a
    /// failed append kept the change and lost its event. On PostgreSQL the event is staged in the
    /// change's transaction (`AuditStagedEvent`: no chain lock taken there) and linked into the
    /// chain by its writer right after the commit, before this returns; on SQLite, whose one
    /// writer this transaction is, it is linked in the transaction. It is a `writeTransaction`: on
    /// SQLite queued behind this process's other writes and holding the write lock from the
    /// start; a busy database is waited for before `change` runs, and `change` runs once.
    public func auditedEach<T: Sendable>(by audit: AuditLog, origin: RequestOrigin,
                                         _ change: @escaping @Sendable (TenantScope) async throws -> (T, [AuditRecord])) async throws -> T {
        try await writeTransaction { scope in
            let (result, records) = try await change(scope)
            for record in records {
                try await audit.append(record, origin: origin, on: scope.db)
            }
            return result
        }
    }

    /// `auditedEach(by:origin:_:)` for a change with one event.
    public func audited<T: Sendable>(by audit: AuditLog, origin: RequestOrigin,
                                     _ change: @escaping @Sendable (TenantScope) async throws -> (T, AuditRecord)) async throws -> T {
        try await auditedEach(by: audit, origin: origin) { scope -> (T, [AuditRecord]) in
            let (result, record) = try await change(scope)
            return (result, [record])
        }
    }

    /// `audited(by:origin:_:)` for a change with no result of its own.
    public func auditedWrite(by audit: AuditLog, origin: RequestOrigin,
                             _ change: @escaping @Sendable (TenantScope) async throws -> AuditRecord) async throws {
        try await auditedEach(by: audit, origin: origin) { scope -> ((), [AuditRecord]) in ((), [try await change(scope)]) }
    }
}
