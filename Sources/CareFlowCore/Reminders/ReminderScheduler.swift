import FluentKit
import Foundation
import Logging
import SQLKit

/// The durable reminder scheduler (issue 13). A pass at an instant `now` finds, for every active
/// tenant that is not in its quiet hours, the reminders due and not yet sent, and sends each in
/// its own transaction: the ledger row (`ReminderDelivery`, unique per tenant and key) and the
/// outbox messages together. Whoever inserts the key first sends; any other worker meets the
/// unique index and sends nothing, so every reminder goes out exactly once. On PostgreSQL the
/// reminded row is locked `FOR UPDATE SKIP LOCKED` first, so two workers share the work without
/// waiting on each other, and a concurrent cancel or check-in is seen before sending.
///
/// Nothing is remembered between passes but the ledger: a worker that was down catches up on
/// its next pass, which sends each reminder's latest missed instant of today once (never
/// yesterday's, see `ReminderSchedule.due`).
public struct ReminderScheduler: Sendable {
    let db: any Database
    let outbox: Outbox
    let messages: ReminderMessages
    /// The tenant file of a slug (zone, quiet hours, appointment offsets); nil = the defaults in UTC.
    let configuration: @Sendable (String) -> TenantConfiguration?
    let interval: Duration
    let logger: Logger
    let sources: [any ReminderSource]

    public init(db: any Database, outbox: Outbox, keyring: Keyring, interval: Duration = .seconds(60),
                logger: Logger = Logger(label: "careflow.reminders"),
                configuration: @escaping @Sendable (String) -> TenantConfiguration?) {
        self.db = db
        self.outbox = outbox
        self.messages = ReminderMessages(keyring: keyring)
        self.configuration = configuration
        self.interval = interval
        self.logger = logger
        self.sources = [AppointmentReminders(), StepReminders(keyring: keyring)]
    }

    /// Runs a pass every `interval` on `clock` until the task is cancelled. A failed pass is
    /// logged and the next one tries again: the ledger makes a rerun safe.
    public func run(clock: any WallClock = SystemWallClock()) async {
        while !Task.isCancelled {
            do {
                let report = try await runPass(now: clock.now())
                if report.sent > 0 { logger.info("reminder pass", metadata: ["sent": "\(report.sent)", "messages": "\(report.messages)"]) }
            } catch is CancellationError {
                return
            } catch {
                logger.error("reminder pass failed", metadata: ["error": "\(error)"])
            }
            do { try await clock.sleep(for: interval) } catch { return }
        }
    }

    /// One pass at `now` over every active tenant.
    @discardableResult
    public func runPass(now: Date) async throws -> ReminderPassReport {
        var report = ReminderPassReport()
        for tenant in try await Tenant.query(on: db).filter(\.$status == .active).sort(\.$slug).all() {
            try Task.checkCancellation()
            let config = configuration(tenant.slug)
            let context = ReminderTenant(scope: TenantScope(tenantID: try tenant.requireID(), db: db),
                                         zone: config?.zone ?? TimeZone(identifier: "UTC")!, settings: config?.reminders ?? .standard)
            if context.isQuiet(at: now) {
                report.quietTenants += 1
                continue
            }
            for source in sources {
                try await source.run(at: now, for: context, scheduler: self, report: &report)
            }
        }
        return report
    }

    /// Sends one reminder: in one transaction, `lock` claims the reminded row and says what to
    /// send (nil: nothing any more, e.g. cancelled meanwhile), then the ledger row and the outbox
    /// messages are written. Returns false when another worker holds or already sent it.
    func send(key: String, kind: ReminderDelivery.Kind, subjectID: UUID, scheduledAt: Date, now: Date, in scope: TenantScope,
              report: inout ReminderPassReport,
              lock: @escaping @Sendable (TenantScope) async throws -> (patient: Patient, content: ReminderContent)?) async throws {
        let messages = self.messages, outbox = self.outbox
        do {
            let queued = try await scope.writeTransaction { tx -> Int? in
                guard let (patient, content) = try await lock(tx) else { return nil }
                // Read under the row's lock: a worker that sent it before we got here committed.
                if try await tx.query(ReminderDelivery.self).filter(\.$key == key).first() != nil { return nil }
                var ids: [String] = []
                for payload in try await messages.payloads(content, to: patient, in: tx) {
                    ids.append(try await outbox.enqueue(payload, in: tx, notBefore: now).id!.lowercasedString)
                }
                let delivery = ReminderDelivery()
                delivery.key = key
                delivery.kind = kind
                delivery.subjectID = subjectID
                delivery.scheduledAt = scheduledAt
                delivery.sentAt = now
                delivery.outboxMessageIDs = ids.joined(separator: ",")
                try await tx.create(delivery)
                return ids.count
            }
            if let queued {
                report.sent += 1
                report.messages += queued
            } else {
                report.skipped += 1
            }
        } catch let error as any DatabaseError where error.isConstraintFailure {
            // Another worker inserted the key between our check and our insert: it sent it.
            report.skipped += 1
        }
    }

    /// `SELECT … FOR UPDATE SKIP LOCKED` of one row on PostgreSQL (nil: another worker holds it);
    /// on SQLite, where the write queue already serialises writers, a plain read.
    static func lockRow(_ table: String, id: UUID, in scope: TenantScope) async throws -> Bool {
        guard let sql = scope.db as? any SQLDatabase else { throw AppError.unavailable("SQL database required") }
        let lock: SQLQueryString = sql.dialect.name == "postgresql" ? " FOR UPDATE SKIP LOCKED" : ""
        let rows = try await sql.raw("""
            SELECT id FROM \(ident: table) WHERE id = \(bind: id) AND tenant_id = \(bind: scope.tenantID)\(lock)
            """).all()
        return !rows.isEmpty
    }
}
