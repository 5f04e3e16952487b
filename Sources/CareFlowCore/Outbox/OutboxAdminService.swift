import FluentKit
import Foundation

/// What a group admin sees of the outbox (dead letters above all) and the one thing they may do
/// to it: send a dead letter again. Payloads stay sealed: an admin sees that a message to
/// someone failed, never to whom or what it said.
public struct OutboxAdminService: Sendable {
    let guardian: AccessGuard
    let audit: AuditLog

    public init(guardian: AccessGuard, audit: AuditLog) {
        self.guardian = guardian
        self.audit = audit
    }

    /// The tenant's messages, newest first, optionally of one status.
    public func list(status: OutboxMessage.Status?, in context: RequestContext,
                     page: PageRequest) async throws -> Page<OutboxMessage> {
        let (scope, principal, origin) = (context.scope, context.principal, context.origin)
        try await guardian.authorize(principal, .outboxRead, on: .tenant, origin: origin, db: scope.db)
        let query = scope.query(OutboxMessage.self)
        if let status { query.filter(\.$status == status) }
        return try await NewestFirst.page(query, page)
    }

    /// How many of the tenant's messages are in each status (every status present, zero or not).
    public func counts(in scope: TenantScope) async throws -> [OutboxMessage.Status: Int] {
        var counts: [OutboxMessage.Status: Int] = [:]
        for status in OutboxMessage.Status.allCases {
            counts[status] = try await scope.query(OutboxMessage.self).filter(\.$status == status).count()
        }
        return counts
    }

    /// dead → pending, attempts from zero, due now. Only a dead letter: anything else is still
    /// in the worker's hands (409).
    public func requeue(messageID: UUID, in context: RequestContext,
                        now: Date = Date()) async throws -> OutboxMessage {
        let (scope, principal, origin) = (context.scope, context.principal, context.origin)
        try await guardian.authorize(principal, .outboxManage, on: .tenant, origin: origin, db: scope.db)
        let message = try await scope.require(OutboxMessage.self, messageID, name: "Outbox message")
        guard message.status == .dead else {
            throw AppError.conflict("Only a dead message can be re-queued; this one is \(message.status.rawValue)")
        }
        message.status = .pending
        message.attempts = 0
        message.nextAttemptAt = now
        message.leaseUntil = nil
        try await scope.auditedWrite(by: audit, origin: origin) { scope in
            try await scope.update(message)
            return AuditRecord(tenantID: scope.tenantID, actor: principal.auditActor, action: .outboxRequeue, targetType: "outbox_message",
                               targetID: messageID.lowercasedString, details: ["capability": message.capability])
        }
        return message
    }
}
