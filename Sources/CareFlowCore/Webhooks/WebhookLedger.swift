import FluentKit
import Foundation
import SQLKit

/// Records verified provider events under their unique (tenant, provider, event id) together
/// with their payment effects, atomically, with group commit (issue 11).
///
/// Deliveries enqueue; a writer takes everything queued and writes it in one transaction (one
/// disk sync, one round trip on PostgreSQL), then resumes each delivery with its own outcome. A
/// delivery is answered only once its event and effect are committed. At most `maxWriters`
/// batches are in flight, so under load batches grow instead of transactions multiplying.
///
/// - A batch writes at most one delivery per event id and per PaymentIntent; another event of
///   the same PaymentIntent waits for the next batch. Each payment therefore moves at most once
///   per batch, in arrival order, exactly as if the deliveries had been written one by one.
///   Another delivery of the same event id is not written: it is answered as a replay once the
///   first is committed (or with the first's error).
/// - An event is inserted only while its tenant is active (checked in the same statement), so a
///   suspension takes effect although the webhook route caches tenant ids.
/// - The payment upsert never moves a payment back: a row whose `last_event_created` is newer
///   than the event's stays as it is (an equal time applies).
/// - A batch that fails is written again one delivery at a time, so one bad delivery cannot fail
///   the others; only its own request sees the error.
/// - The invoice effects of the batch's new payment events (`InvoiceSettlement`) are applied in
///   the same transaction as the events and `payments` rows: an event is never recorded without
///   its invoice effect, so no reconciliation pass is needed after a crash (a delivery that was
///   not committed got no 2xx, and the provider delivers it again). Replays are not new and
///   reach no effect.
final class WebhookLedger: Sendable {
    /// The most deliveries one transaction writes.
    static let maxBatch = 200
    /// Batches in flight at once (per process).
    static let maxWriters = 2

    enum Result: Sendable, Equatable {
        case applied
        case replayed
        case tenantInactive
    }

    /// One verified delivery.
    struct Entry: Sendable {
        let id: UUID
        let tenantID: UUID
        let provider: WebhookProvider
        let eventID: String
        let type: String
        let payloadSHA256: String
        let payment: PaymentUpdate?
        let paymentRowID: UUID

        init(tenantID: UUID, provider: WebhookProvider, eventID: String, type: String, payloadSHA256: String, payment: PaymentUpdate?,
             at now: Date) {
            self.id = Self.timeOrderedID(at: now)
            self.paymentRowID = Self.timeOrderedID(at: now)
            self.tenantID = tenantID
            self.provider = provider
            self.eventID = eventID
            self.type = type
            self.payloadSHA256 = payloadSHA256
            self.payment = payment
        }

        /// `TimeOrderedID`'s UUIDv7 layout from two random words (two `getrandom` calls
        /// instead of ten: they showed in the profile at thousands of deliveries a second).
        static func timeOrderedID(at date: Date) -> UUID {
            let milliseconds = UInt64(max(0, (date.timeIntervalSince1970 * 1000).rounded(.down)))
            var generator = SystemRandomNumberGenerator()
            let high = (milliseconds << 16) | 0x7000 | (generator.next() & 0x0FFF)  // 48-bit time, version 7, 12 random bits
            let low = (generator.next() & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000  // RFC 9562 variant, 62 random bits
            func byte(_ word: UInt64, _ i: Int) -> UInt8 { UInt8(truncatingIfNeeded: word >> (8 * (7 - i))) }
            return UUID(uuid: (byte(high, 0), byte(high, 1), byte(high, 2), byte(high, 3), byte(high, 4), byte(high, 5), byte(high, 6),
                               byte(high, 7), byte(low, 0), byte(low, 1), byte(low, 2), byte(low, 3), byte(low, 4), byte(low, 5),
                               byte(low, 6), byte(low, 7)))
        }
    }

    private let batcher: Batcher

    init(settlement: InvoiceSettlement?, statements: any LedgerStatementRunner) {
        batcher = Batcher(settlement: settlement, statements: statements)
    }

    func record(_ entry: Entry, on db: any Database) async throws -> Result {
        guard let sql = db as? any SQLDatabase else { throw AppError.unavailable("SQL database required") }
        // SQLite: a replay is answered by one read, without queuing for the single writer.
        if sql.dialect.name != "postgresql", let known = try await Self.stateBeforeWriting(entry, on: sql) { return known }
        return try await batcher.submit(entry, on: db)
    }

    /// Writes a batch, falling back to one delivery at a time if the batch fails.
    static func writeIsolating(_ batch: [Entry], on db: any Database, settlement: InvoiceSettlement?,
                               statements: any LedgerStatementRunner) async -> [Swift.Result<Result, any Error>] {
        do {
            return try await write(batch, on: db, settlement: settlement, statements: statements).map { .success($0) }
        } catch {
            guard batch.count > 1 else { return [.failure(error)] }
            var results: [Swift.Result<Result, any Error>] = []
            for entry in batch {
                do { results.append(.success(try await write([entry], on: db, settlement: settlement, statements: statements)[0])) } catch {
                    results.append(.failure(error))
                }
            }
            return results
        }
    }

    /// One transaction for the whole batch; outcomes in the batch's order.
    static func write(_ batch: [Entry], on db: any Database, settlement: InvoiceSettlement?,
                      statements: any LedgerStatementRunner, now: Date = Date()) async throws -> [Result] {
        guard let sql = db as? any SQLDatabase else { throw AppError.unavailable("SQL database required") }
        if sql.dialect.name == "postgresql" {
            // A deadlock between two processes' batches rolls the statement back: run it again.
            guard let settlement, batch.contains(where: { $0.payment != nil }) else {
                return try await BusyRetry.run { try await writeEvery(batch, on: db, now: now, statements: statements) }
            }
            // Most payment events settle no invoice (intents created elsewhere, events of the
            // same intent after its invoice was paid); one statement in its own commit writes
            // them, unless an invoice could be settled by one of them: then it writes nothing
            // and the transaction below writes the batch with its effects, together.
            if let results = try await BusyRetry.run({ try await writeInOneStatement(batch, on: db, now: now, unlessInvoiced: true, statements: statements) }) {
                return results
            }
            return try await BusyRetry.run { try await db.transaction { tx in
                let results = try await writeEvery(batch, on: tx, now: now, statements: statements)
                try await settlement.apply(newPayments(batch, results), on: tx, now: now)
                return results
            } }
        }
        return try await WriteTransaction.run(on: db) { tx in
            let results = try await writeInTransaction(batch, on: tx, now: now)
            if let settlement { try await settlement.apply(newPayments(batch, results), on: tx, now: now) }
            return results
        }
    }

    /// The batch's payment events that were stored now (not replays), in arrival order.
    private static func newPayments(_ batch: [Entry], _ results: [Result]) -> [InvoiceSettlement.Event] {
        zip(batch, results).compactMap { entry, result in
            guard result == .applied, let update = entry.payment else { return nil }
            return InvoiceSettlement.Event(tenantID: entry.tenantID, provider: entry.provider.rawValue, eventID: entry.eventID,
                                           type: entry.type, update: update)
        }
    }

    // MARK: PostgreSQL

    /// The batch statement without the invoice check: every delivery has its outcome.
    private static func writeEvery(_ batch: [Entry], on db: any Database, now: Date,
                                   statements: any LedgerStatementRunner) async throws -> [Result] {
        guard let results = try await writeInOneStatement(batch, on: db, now: now, statements: statements) else {
            throw AppError.unavailable("The events were not recorded")
        }
        return results
    }

    /// The batch travels as one JSON parameter, so the statement's text never changes (and is
    /// prepared once per connection). Rows are inserted in key order, so concurrent batches lock
    /// rows in the same order. `unlessInvoiced`: nil, with nothing written, when an invoice could
    /// be settled by one of the batch's payment events (`LedgerStatement.writeUnlessInvoiced`).
    private static func writeInOneStatement(_ batch: [Entry], on db: any Database, now: Date, unlessInvoiced: Bool = false,
                                            statements: any LedgerStatementRunner) async throws -> [Result]? {
        let rows = try String(decoding: JSONEncoder().encode(batch.enumerated().map { BatchRow(n: $0.offset, entry: $0.element) }), as: UTF8.self)
        guard let outcomes = try await statements.run(unlessInvoiced ? .writeUnlessInvoiced : .write, rows: rows, now: now, on: db) else {
            throw AppError.unavailable("The webhook ledger's statement needs PostgreSQL")
        }
        var results = [Result](repeating: .replayed, count: batch.count)
        var answered = 0
        for outcome in outcomes {
            if outcome.invoiced { return nil }
            guard results.indices.contains(outcome.n) else { continue }
            results[outcome.n] = outcome.stored ? .applied : outcome.active ? .replayed : .tenantInactive
            answered += 1
        }
        guard answered == batch.count else { throw AppError.unavailable("The events were not recorded") }
        return results
    }

    /// One delivery as the statement reads it (snake_case members, nulls where there is no effect).
    struct BatchRow: Encodable {
        let n: Int
        let id: UUID
        let tenant_id: UUID
        let provider: String
        let event_id: String
        let event_type: String
        let payload_sha256: String
        let payment_id: UUID
        let intent: String?
        let status: String?
        let amount: Int?
        let currency: String?
        let created: Int?
        let session: String?
        let invoice_ref: UUID?

        init(n: Int, entry: Entry) {
            self.n = n
            id = entry.id
            tenant_id = entry.tenantID
            provider = entry.provider.rawValue
            event_id = entry.eventID
            event_type = entry.type
            payload_sha256 = entry.payloadSHA256
            payment_id = entry.paymentRowID
            intent = entry.payment?.providerPaymentID
            status = entry.payment?.status.rawValue
            amount = entry.payment?.amount
            currency = entry.payment?.currency
            created = entry.payment?.eventCreated
            session = entry.payment?.checkoutSessionID
            invoice_ref = entry.payment?.metadata["invoice_id"].flatMap(UUID.init(uuidString:))
        }
    }

    // MARK: SQLite

    private static func writeInTransaction(_ batch: [Entry], on db: any Database, now: Date) async throws -> [Result] {
        guard let sql = db as? any SQLDatabase else { throw AppError.unavailable("SQL database required") }
        let tenantIDs = Array(Set(batch.map(\.tenantID)))
        let active = try Set(await sql.raw("""
            SELECT id FROM tenants WHERE status = \(bind: Tenant.Status.active.rawValue) AND id IN (\(SQLList(tenantIDs.map { SQLBind($0) })))
            """).all().map { try $0.decode(column: "id", as: UUID.self) })
        let candidates = batch.filter { active.contains($0.tenantID) }
        var stored = Set<UUID>()
        if !candidates.isEmpty {
            let values = SQLList(candidates.map { entry in
                SQLGroupExpression([SQLBind(entry.id), SQLBind(entry.tenantID), SQLBind(entry.provider.rawValue), SQLBind(entry.eventID),
                                    SQLBind(entry.type), SQLBind(entry.payloadSHA256), SQLBind(now)] as [any SQLExpression])
            })
            stored = try Set(await sql.raw("""
                INSERT INTO webhook_events (id, tenant_id, provider, event_id, event_type, payload_sha256, received_at) VALUES \(values)
                ON CONFLICT (tenant_id, provider, event_id) DO NOTHING RETURNING id
                """).all().map { try $0.decode(column: "id", as: UUID.self) })
        }
        let effects = candidates.filter { stored.contains($0.id) && $0.payment != nil }
        if !effects.isEmpty {
            let values = SQLList(effects.compactMap { entry -> (any SQLExpression)? in
                guard let payment = entry.payment else { return nil }
                return SQLGroupExpression([SQLBind(entry.paymentRowID), SQLBind(entry.tenantID), SQLBind(entry.provider.rawValue),
                                           SQLBind(payment.providerPaymentID), SQLBind(payment.status.rawValue), SQLBind(payment.amount),
                                           SQLBind(payment.currency), SQLBind(payment.eventCreated), SQLBind(now), SQLBind(now)] as [any SQLExpression])
            })
            try await sql.raw("""
                INSERT INTO payments (id, tenant_id, provider, provider_payment_id, status, amount, currency, last_event_created, created_at, updated_at)
                VALUES \(values)
                ON CONFLICT (tenant_id, provider, provider_payment_id) DO UPDATE SET
                    status = excluded.status, amount = COALESCE(excluded.amount, payments.amount),
                    currency = COALESCE(excluded.currency, payments.currency),
                    last_event_created = excluded.last_event_created, updated_at = excluded.updated_at
                WHERE payments.last_event_created <= excluded.last_event_created
                """).run()
        }
        return batch.map { entry in
            !active.contains(entry.tenantID) ? .tenantInactive : stored.contains(entry.id) ? .applied : .replayed
        }
    }

    /// One read: the tenant's status and whether the event is already stored. Nil when the event
    /// is new to an active tenant.
    private static func stateBeforeWriting(_ entry: Entry, on sql: any SQLDatabase) async throws -> Result? {
        let row = try await sql.raw("""
            SELECT t.status AS status, e.id AS stored FROM tenants t
            LEFT JOIN webhook_events e ON e.tenant_id = t.id AND e.provider = \(bind: entry.provider.rawValue) AND e.event_id = \(bind: entry.eventID)
            WHERE t.id = \(bind: entry.tenantID)
            """).first()
        guard let row, try row.decode(column: "status", as: String.self) == Tenant.Status.active.rawValue else { return .tenantInactive }
        return try row.decodeNil(column: "stored") ? nil : .replayed
    }
}

/// The ledger's queue: hands out batches (at most one delivery per event id and PaymentIntent
/// each) to at most `maxWriters` writers at a time.
private actor Batcher {
    typealias Waiting = (entry: WebhookLedger.Entry, continuation: CheckedContinuation<WebhookLedger.Result, any Error>)
    /// A delivery written in a batch, and the later deliveries of the same event id that were
    /// queued with it: they are replays of it and hear its outcome (see `takeBatch`).
    typealias Written = (item: Waiting, replays: [CheckedContinuation<WebhookLedger.Result, any Error>])

    private var queue: [Waiting] = []
    private var writers = 0
    /// Where batches are written: the first handle a delivery brought (outside a transaction,
    /// every request's handle reaches the same pool).
    private var database: (any Database)?
    private let settlement: InvoiceSettlement?
    private let statements: any LedgerStatementRunner

    init(settlement: InvoiceSettlement?, statements: any LedgerStatementRunner) {
        self.settlement = settlement
        self.statements = statements
    }

    func submit(_ entry: WebhookLedger.Entry, on db: any Database) async throws -> WebhookLedger.Result {
        if database == nil { database = db }
        return try await withCheckedThrowingContinuation { continuation in
            queue.append((entry, continuation))
            startWriters()
        }
    }

    private func startWriters() {
        while writers < WebhookLedger.maxWriters, !queue.isEmpty, let db = database {
            let batch = takeBatch()
            writers += 1
            Task {
                let results = await WebhookLedger.writeIsolating(batch.map(\.item.entry), on: db, settlement: settlement, statements: statements)
                self.finish(batch, results)
            }
        }
    }

    private func finish(_ batch: [Written], _ results: [Swift.Result<WebhookLedger.Result, any Error>]) {
        for (written, result) in zip(batch, results) {
            written.item.continuation.resume(with: result)
            for replay in written.replays { replay.resume(with: result.map(Self.outcomeOfReplay)) }
        }
        writers -= 1
        startWriters()
    }

    /// A later delivery of an event that its batch stored or already had is a replay; one of an
    /// inactive tenant is refused alike.
    static func outcomeOfReplay(_ first: WebhookLedger.Result) -> WebhookLedger.Result {
        first == .tenantInactive ? .tenantInactive : .replayed
    }

    /// The queue's deliveries in arrival order, skipping (for the next batch) any whose
    /// PaymentIntent is already in this one. A delivery whose event id is already in the batch
    /// is not written at all: it rides on the first one and is answered with its outcome once
    /// that is committed (a provider retrying one event many times — or the replay benchmark —
    /// would otherwise be written one batch per delivery).
    private func takeBatch() -> [Written] {
        var batch: [Written] = []
        var rest: [Waiting] = []
        var events: [String: Int] = [:], payments = Set<String>()
        for item in queue {
            let entry = item.entry
            let eventKey = "\(entry.tenantID) \(entry.provider.rawValue) \(entry.eventID)"
            if let first = events[eventKey] {
                batch[first].replays.append(item.continuation)
                continue
            }
            let paymentKey = entry.payment.map { "\(entry.tenantID) \(entry.provider.rawValue) \($0.providerPaymentID)" }
            if batch.count < WebhookLedger.maxBatch, paymentKey.map({ !payments.contains($0) }) ?? true {
                events[eventKey] = batch.count
                if let paymentKey { payments.insert(paymentKey) }
                batch.append((item, []))
            } else {
                rest.append(item)
            }
        }
        queue = rest
        return batch
    }
}
