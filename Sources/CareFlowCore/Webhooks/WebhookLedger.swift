import FluentKit
import Foundation
import SQLKit

/// Records one provider event under its unique (tenant, provider, event id) together with its
/// payment effect, atomically, in as few round trips as the database allows (issue 11):
///
/// - PostgreSQL: one statement. The event insert (`ON CONFLICT DO NOTHING`) and the payment
///   upsert are data-modifying CTEs of one statement, so they commit together or not at all; the
///   upsert runs only for the row the insert returned, so a replay has no effect. Concurrent
///   deliveries of one event meet at the unique index: the second waits for the first and then
///   inserts nothing.
/// - SQLite: a read that answers replays without taking the write lock, then one transaction
///   (event insert, payment upsert) through the process's write queue.
///
/// Both insert the event only while the tenant is active, checked in the same statement, so a
/// suspension takes effect even though the webhook route caches the tenant's id.
/// The payment upsert never moves a payment back: a row whose `last_event_created` is newer than
/// the event's is left as it is (an equal time applies, as before).
enum WebhookLedger {
    enum Result: Sendable, Equatable {
        case applied
        case replayed
        case tenantInactive
    }

    static func record(_ provider: WebhookProvider, eventID: String, type: String, payloadSHA256: String,
                       payment: PaymentUpdate?, tenantID: UUID, on db: any Database, now: Date = Date()) async throws -> Result {
        guard let sql = db as? any SQLDatabase else { throw AppError.unavailable("SQL database required") }
        let event = EventRow(id: UUID(), tenantID: tenantID, provider: provider.rawValue, eventID: eventID, type: type,
                             payloadSHA256: payloadSHA256, receivedAt: now)
        if sql.dialect.name == "postgresql" {
            return try await recordInOneStatement(event, payment: payment, on: sql)
        }
        return try await recordInTransaction(event, payment: payment, on: db)
    }

    private struct EventRow: Sendable {
        let id: UUID
        let tenantID: UUID
        let provider: String
        let eventID: String
        let type: String
        let payloadSHA256: String
        let receivedAt: Date
    }

    // MARK: PostgreSQL

    private static func recordInOneStatement(_ event: EventRow, payment: PaymentUpdate?, on sql: any SQLDatabase) async throws -> Result {
        var statement: SQLQueryString = "WITH event AS (" + eventInsert(event) + " RETURNING tenant_id)"
        if let payment {
            // Data-modifying CTEs run to completion whether or not the main query reads them.
            statement += ", payment AS ("
                + paymentUpsert(payment, provider: event.provider, tenant: SQLIdentifier("tenant_id"), from: "FROM event", at: event.receivedAt)
                + " RETURNING 1)"
        }
        statement += """
             SELECT EXISTS (SELECT 1 FROM event) AS stored,
            EXISTS (SELECT 1 FROM tenants WHERE id = \(bind: event.tenantID) AND status = \(bind: Tenant.Status.active.rawValue)) AS active
            """
        guard let row = try await sql.raw(statement).first() else { throw AppError.unavailable("The event was not recorded") }
        if try row.decode(column: "stored", as: Bool.self) { return .applied }
        return try row.decode(column: "active", as: Bool.self) ? .replayed : .tenantInactive
    }

    // MARK: SQLite

    private static func recordInTransaction(_ event: EventRow, payment: PaymentUpdate?, on db: any Database) async throws -> Result {
        if let known = try await stateBeforeWriting(event, on: db) { return known }
        // Queued behind this process's other writers, and retried if another process held the
        // lock (the transaction rolled back, so a rerun is safe).
        let stored = try await SQLiteWriteQueue.shared.run(on: db) { try await BusyRetry.run { try await db.transaction { tx -> Bool in
            guard let sql = tx as? any SQLDatabase else { throw AppError.unavailable("SQL database required") }
            guard try await sql.raw(eventInsert(event) + " RETURNING tenant_id").first() != nil else { return false }
            if let payment {
                try await sql.raw(paymentUpsert(payment, provider: event.provider, tenant: SQLBind(event.tenantID), from: "",
                                                at: event.receivedAt)).run()
            }
            return true
        } } }
        if stored { return .applied }
        // Lost to a concurrent delivery of the same event, or the tenant was suspended meanwhile.
        return try await stateBeforeWriting(event, on: db) ?? .replayed
    }

    /// One read: the tenant's status and whether the event is already stored. Nil when the event
    /// is new to an active tenant.
    private static func stateBeforeWriting(_ event: EventRow, on db: any Database) async throws -> Result? {
        guard let sql = db as? any SQLDatabase else { throw AppError.unavailable("SQL database required") }
        let row = try await sql.raw("""
            SELECT t.status AS status, e.id AS stored FROM tenants t
            LEFT JOIN webhook_events e ON e.tenant_id = t.id AND e.provider = \(bind: event.provider) AND e.event_id = \(bind: event.eventID)
            WHERE t.id = \(bind: event.tenantID)
            """).first()
        guard let row, try row.decode(column: "status", as: String.self) == Tenant.Status.active.rawValue else { return .tenantInactive }
        return try row.decodeNil(column: "stored") ? nil : .replayed
    }

    // MARK: Statements

    /// Inserts the event if its tenant is active and it is not stored yet (the unique index).
    private static func eventInsert(_ event: EventRow) -> SQLQueryString {
        """
        INSERT INTO webhook_events (id, tenant_id, provider, event_id, event_type, payload_sha256, received_at)
        SELECT \(bind: event.id), id, \(bind: event.provider), \(bind: event.eventID), \(bind: event.type), \(bind: event.payloadSHA256), \(bind: event.receivedAt)
        FROM tenants WHERE id = \(bind: event.tenantID) AND status = \(bind: Tenant.Status.active.rawValue)
        ON CONFLICT (tenant_id, provider, event_id) DO NOTHING
        """
    }

    /// Creates the payment or moves it to the event's state, unless a newer event already did.
    /// `tenant` is the tenant id's expression, `from` where it comes from (on PostgreSQL the
    /// event CTE, so the payment moves only when the event was inserted). `WHERE true` keeps
    /// SQLite's parser from reading `ON CONFLICT` as a join constraint.
    private static func paymentUpsert(_ payment: PaymentUpdate, provider: String, tenant: any SQLExpression, from: String,
                                      at now: Date) -> SQLQueryString {
        """
        INSERT INTO payments (id, tenant_id, provider, provider_payment_id, status, amount, currency, last_event_created, created_at, updated_at)
        SELECT \(bind: UUID()), \(tenant), \(bind: provider), \(bind: payment.providerPaymentID), \(bind: payment.status.rawValue),
            CAST(\(bind: payment.amount) AS BIGINT), CAST(\(bind: payment.currency) AS TEXT), \(bind: payment.eventCreated), \(bind: now), \(bind: now)
        \(unsafeRaw: from) WHERE true
        ON CONFLICT (tenant_id, provider, provider_payment_id) DO UPDATE SET
            status = excluded.status, amount = COALESCE(excluded.amount, payments.amount),
            currency = COALESCE(excluded.currency, payments.currency),
            last_event_created = excluded.last_event_created, updated_at = excluded.updated_at
        WHERE payments.last_event_created <= excluded.last_event_created
        """
    }
}
