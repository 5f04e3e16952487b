import FluentKit
import Foundation
import Logging
import SQLKit

/// Delivers the outbox (PRODUCT §6). Claiming is one UPDATE … RETURNING that marks due rows
/// `sending` with a lease: on PostgreSQL its subquery takes `FOR UPDATE SKIP LOCKED`, so several
/// workers share the queue without waiting on each other; SQLite has one writer at a time anyway.
/// A worker killed between claim and send leaves the row to be claimed again when the lease
/// ends; the row id is the provider idempotency key, so providers that de-duplicate (payments
/// by idempotency key, push by message) never deliver twice.
public struct OutboxWorker: Sendable {
    let db: any Database
    let outbox: Outbox
    let keyring: Keyring
    let senders: any MessageSenders
    let policy: OutboxPolicy
    let logger: Logger
    /// Runs `.extractSteps`; without it such rows fail and are retried until they dead-letter.
    let stepExtraction: StepExtractionJob?
    /// Beats after every claim, for `/ready`.
    public let heartbeat: WorkerHeartbeat

    public init(db: any Database, outbox: Outbox, keyring: Keyring, senders: any MessageSenders, policy: OutboxPolicy = OutboxPolicy(),
                logger: Logger = Logger(label: "careflow.outbox"), stepExtraction: StepExtractionJob? = nil,
                heartbeat: WorkerHeartbeat = WorkerHeartbeat()) {
        self.stepExtraction = stepExtraction
        self.heartbeat = heartbeat
        self.db = db
        self.outbox = outbox
        self.keyring = keyring
        self.senders = senders
        self.policy = policy
        self.logger = logger
    }

    /// Delivers until the task is cancelled.
    public func run() async {
        while !Task.isCancelled {
            do {
                let handled = try await runOnce()
                if handled == 0 { try await Task.sleep(for: .seconds(policy.idlePoll)) }
            } catch is CancellationError {
                return
            } catch {
                logger.error("outbox pass failed", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: .seconds(policy.idlePoll))
            }
        }
    }

    /// One pass: claim a batch of due messages and try each once. Returns how many were claimed.
    @discardableResult
    public func runOnce(now: Date = Date()) async throws -> Int {
        let claimed = try await claim(now: now)
        heartbeat.beat()
        for (id, tenantID) in claimed {
            try Task.checkCancellation()
            await deliver(id, tenantID: tenantID, now: now)
        }
        return claimed.count
    }

    /// Marks up to `batchSize` due messages (pending and due, or sending with an expired lease)
    /// as claimed by this worker, and returns their ids.
    public func claim(now: Date = Date()) async throws -> [(UUID, UUID)] {
        guard let sql = db as? any SQLDatabase else { throw AppError.unavailable("SQL database required") }
        let lock: SQLQueryString = sql.dialect.name == "postgresql" ? " FOR UPDATE SKIP LOCKED" : ""
        let rows = try await sql.raw("""
            UPDATE outbox_messages SET status = 'sending', lease_until = \(bind: now.addingTimeInterval(policy.lease)),
                attempts = attempts + 1, updated_at = \(bind: now)
            WHERE id IN (
                SELECT id FROM outbox_messages
                WHERE (status = 'pending' AND next_attempt_at <= \(bind: now)) OR (status = 'sending' AND lease_until < \(bind: now))
                ORDER BY next_attempt_at LIMIT \(bind: policy.batchSize)\(lock))
            RETURNING id, tenant_id
            """).all()
        return try rows.map { (try $0.decode(column: "id", as: UUID.self), try $0.decode(column: "tenant_id", as: UUID.self)) }
    }

    func deliver(_ id: UUID, tenantID: UUID, now: Date) async {
        let scope = TenantScope(tenantID: tenantID, db: db)
        do {
            guard let message = try await scope.find(OutboxMessage.self, id), message.status == .sending else { return }
            let capability = Capability(rawValue: message.capability) ?? .email
            do {
                let receipt = try await send(message, capability: capability, scope: scope)
                message.status = .sent
                message.providerMessageID = receipt.providerMessageID
                message.deliveryStatus = message.deliveryStatus ?? receipt.status
                message.leaseUntil = nil
                message.lastError = nil
                try await scope.update(message)
                await senders.recordOutcome(tenantID: tenantID, capability: capability, error: nil)
            } catch let error as RecipientGone {
                try await finish(message, dead: true, error: error.description, now: now, scope: scope)
            } catch {
                await senders.recordOutcome(tenantID: tenantID, capability: capability, error: error)
                let integration = error as? IntegrationError
                if integration?.kind == .deadRecipient { try await markRecipientDead(message, scope: scope, now: now) }
                // Unknown errors (a dropped connection in our own stack) are worth another try.
                let retryable = integration?.isRetryable ?? true
                let dead = !retryable || message.attempts >= policy.maxAttempts
                let delay = policy.delay(afterAttempt: message.attempts, retryAfter: integration?.retryAfter)
                try await finish(message, dead: dead, error: integration?.description ?? "\(type(of: error))", now: now.addingTimeInterval(delay),
                                 scope: scope)
            }
        } catch {
            // The row stays claimed; its lease ends and it is tried again.
            logger.error("outbox bookkeeping failed", metadata: ["outbox_id": "\(id)", "error": "\(error)"])
        }
    }

    private func send(_ message: OutboxMessage, capability: Capability, scope: TenantScope) async throws -> DeliveryReceipt {
        let key = message.id!.lowercasedString
        switch try await outbox.open(message, on: scope.db) {
        case .email(let email):
            return try await senders.emailSender(forTenant: scope.tenantID).send(email, idempotencyKey: key)
        case .sms(let sms):
            let cipher = try await keyring.cipher(forTenant: scope.tenantID, on: scope.db)
            if let row = try await scope.query(SMSOptOut.self).filter(\.$phoneIndex == cipher.index(sms.to, as: .phone)).first(), row.optedOut {
                throw RecipientGone.optedOut
            }
            return try await senders.smsSender(forTenant: scope.tenantID).send(sms, idempotencyKey: key)
        case .push(let push):
            // A device removed by its user, or already reported dead, gets nothing more.
            guard let device = try await device(withToken: push.deviceToken, scope: scope), device.deadAt == nil else {
                throw RecipientGone.deviceGone
            }
            return try await senders.pushSender(forTenant: scope.tenantID).send(push, idempotencyKey: key)
        case .extractSteps(let noteID, let patientID):
            guard let stepExtraction else { throw IntegrationError(.retryable, provider: "steps", message: "no step extraction in this worker") }
            return try await stepExtraction.run(noteID: noteID, patientID: patientID, idempotencyKey: key, in: scope)
        }
    }

    private func device(withToken token: String, scope: TenantScope) async throws -> Device? {
        let cipher = try await keyring.cipher(forTenant: scope.tenantID, on: scope.db)
        return try await scope.query(Device.self).filter(\.$tokenIndex == cipher.index(token, as: .deviceToken)).first()
    }

    /// The provider says the recipient can never receive (a dead FCM token): the device is marked
    /// dead so nothing more is queued for it; the message itself is dead-lettered, not retried.
    private func markRecipientDead(_ message: OutboxMessage, scope: TenantScope, now: Date) async throws {
        guard case .push(let push) = try await outbox.open(message, on: scope.db),
              let device = try await device(withToken: push.deviceToken, scope: scope), device.deadAt == nil else { return }
        device.deadAt = now
        try await scope.update(device)
        logger.notice("push device marked dead", metadata: ["device_id": "\(device.id!)", "outbox_id": "\(message.id!)"])
    }

    private func finish(_ message: OutboxMessage, dead: Bool, error: String, now nextAttempt: Date, scope: TenantScope) async throws {
        message.status = dead ? .dead : .pending
        message.nextAttemptAt = nextAttempt
        message.leaseUntil = nil
        message.lastError = String(error.prefix(500))
        try await scope.update(message)
        if dead { logger.warning("outbox message dead-lettered", metadata: ["outbox_id": "\(message.id!)", "capability": "\(message.capability)"]) }
    }

    /// A recipient that must not be sent to: never retried.
    enum RecipientGone: Error, CustomStringConvertible {
        /// The phone number answered STOP.
        case optedOut
        /// The push device was removed by its user or reported dead by the provider.
        case deviceGone

        var description: String {
            switch self {
            case .optedOut: "recipient opted out of SMS (STOP)"
            case .deviceGone: "push device removed or its token dead"
            }
        }
    }
}
