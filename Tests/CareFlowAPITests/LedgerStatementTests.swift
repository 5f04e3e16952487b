@testable import CareFlowAPI
@testable import CareFlowCore
import Fluent
import Foundation
import SQLKit
import Testing
import VaporTesting

/// The webhook ledger's batch statement on PostgreSQL, prepared once per connection: outcomes
/// as the unprepared statement gives them; the invoice check writes nothing when an invoice
/// could be settled, and the batch is then written with its invoice effect in one transaction.
@Suite("Webhook batches as prepared statements on PostgreSQL")
struct LedgerStatementTests {
    static let stripe = WebhookProvider("stripe")

    static func entry(_ t: TestTenant, event: String, intent: String) -> WebhookLedger.Entry {
        WebhookLedger.Entry(tenantID: t.id, provider: stripe, eventID: event, type: "payment_intent.succeeded",
                            payloadSHA256: String(repeating: "0", count: 64),
                            payment: PaymentUpdate(providerPaymentID: intent, status: .succeeded, amount: 15000, currency: "rwf",
                                                   eventCreated: 1_790_000_000),
                            at: Date())
    }

    static func events(_ app: Application, _ t: TestTenant) async throws -> [String] {
        try await WebhookEvent.query(on: app.db).filter(\.$tenantID == t.id).all().map(\.eventID).sorted()
    }

    @Test("prepared on the connection; invoiced batches write nothing, then go through the transaction with their effect",
          arguments: TestBackend.enabled.filter { $0 == .postgres })
    func preparedAndGuarded(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "ledger-clinic")
            let patient = try await Fixtures.patient(app, t)
            let invoice = try await PaymentFixtures.invoice(app, t, patientID: patient, paymentID: "pi_invoiced", provider: "stripe")
            let statements = PostgresLedgerStatements()
            let settlement = InvoiceSettlement(audit: app.services.audit)

            // No invoice has these intents: written by the one statement, each once.
            let plain = [Self.entry(t, event: "evt_a", intent: "pi_a"), Self.entry(t, event: "evt_b", intent: "pi_b")]
            #expect(try await WebhookLedger.write(plain, on: app.db, settlement: settlement, statements: statements) == [.applied, .applied])
            #expect(try await WebhookLedger.write(plain, on: app.db, settlement: settlement, statements: statements) == [.replayed, .replayed])
            #expect(try await Self.events(app, t) == ["evt_a", "evt_b"])

            // The guarded statement alone: one of the intents is the invoice's, so nothing is written.
            let mixed = [Self.entry(t, event: "evt_c", intent: "pi_c"), Self.entry(t, event: "evt_paid", intent: "pi_invoiced")]
            let rows = String(decoding: try JSONEncoder().encode(mixed.enumerated().map { WebhookLedger.BatchRow(n: $0.offset, entry: $0.element) }),
                              as: UTF8.self)
            let guarded = try #require(try await statements.run(.writeUnlessInvoiced, rows: rows, now: Date(), on: app.db))
            #expect(guarded.count == 2 && guarded.allSatisfy(\.invoiced))
            #expect(try await Self.events(app, t) == ["evt_a", "evt_b"])

            // Through the ledger: both events stored and the invoice paid, together.
            #expect(try await WebhookLedger.write(mixed, on: app.db, settlement: settlement, statements: statements) == [.applied, .applied])
            #expect(try await Self.events(app, t) == ["evt_a", "evt_b", "evt_c", "evt_paid"])
            #expect(try await PaymentFixtures.reload(app, invoice).status == .paid)
            // Delivered again: replays through the same path, the invoice paid once.
            #expect(try await WebhookLedger.write(mixed, on: app.db, settlement: settlement, statements: statements) == [.replayed, .replayed])
            #expect(try await Self.events(app, t) == ["evt_a", "evt_b", "evt_c", "evt_paid"])
            #expect(try await PaymentFixtures.audits(app, AuditAction.invoicePaid.rawValue, invoice: invoice).count == 1)

            // Prepared on the connection it ran on, under the statement's own name.
            let prepared = try await app.db.transaction { tx in
                _ = try await statements.run(.write, rows: "[]", now: Date(), on: tx)
                return try await (tx as! any SQLDatabase).raw("SELECT name FROM pg_prepared_statements").all()
                    .map { try $0.decode(column: "name", as: String.self) }
            }
            #expect(prepared.contains(LedgerStatement.write.name))
        }
    }
}
