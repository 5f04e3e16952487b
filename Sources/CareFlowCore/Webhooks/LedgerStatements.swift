import FluentKit
import Foundation

/// The webhook ledger's batch statement on PostgreSQL, as fixed text with two parameters (`$1`
/// the batch as a JSON array, `$2` the write time), so that it can be prepared once per
/// connection: planning it afresh for every batch was the largest part of PostgreSQL's CPU per
/// batch (a third of it in `webhooks.sh`). The application runs it (`LedgerStatementRunner`);
/// the core has no PostgreSQL driver.
public enum LedgerStatement: String, Sendable, CaseIterable {
    /// Writes the batch's new events and their payments.
    case write = "careflow_webhook_batch"
    /// The same, unless an invoice could be settled by one of the batch's payment events
    /// (what `InvoiceSettlement` matches on: PaymentIntent, Checkout Session, `invoice_id`;
    /// replays included, so the check can only be wider): then nothing is written and every
    /// row says `invoiced`.
    case writeUnlessInvoiced = "careflow_webhook_batch_uninvoiced"

    public var name: String { rawValue }

    /// One row per delivery of the batch.
    public struct Outcome: Sendable, Equatable {
        public let n: Int
        public let stored: Bool
        public let active: Bool
        public let invoiced: Bool

        public init(n: Int, stored: Bool, active: Bool, invoiced: Bool) {
            self.n = n
            self.stored = stored
            self.active = active
            self.invoiced = invoiced
        }
    }

    public var sql: String {
        let invoiced = self == .write ? "false" : """
            EXISTS (SELECT 1 FROM input i WHERE i.intent IS NOT NULL AND (
                EXISTS (SELECT 1 FROM invoices v WHERE v.tenant_id = i.tenant_id AND v.provider_payment_id = i.intent)
                OR (i.session IS NOT NULL AND EXISTS (SELECT 1 FROM invoices v WHERE v.tenant_id = i.tenant_id AND v.checkout_session_id = i.session))
                OR (i.invoice_ref IS NOT NULL AND EXISTS (SELECT 1 FROM invoices v WHERE v.tenant_id = i.tenant_id AND v.id = i.invoice_ref))))
            """
        return """
            WITH input AS (
                SELECT * FROM jsonb_to_recordset($1::text::jsonb) AS x(n int, id uuid, tenant_id uuid, provider text, event_id text,
                    event_type text, payload_sha256 text, payment_id uuid, intent text, status text, amount bigint, currency text, created bigint,
                    session text, invoice_ref uuid)
            ),
            invoiced AS (
                SELECT \(invoiced) AS found
            ),
            active AS (
                SELECT id FROM tenants WHERE status = '\(Tenant.Status.active.rawValue)' AND id IN (SELECT tenant_id FROM input)
                    AND NOT (SELECT found FROM invoiced)
            ),
            event AS (
                INSERT INTO webhook_events (id, tenant_id, provider, event_id, event_type, payload_sha256, received_at)
                SELECT i.id, i.tenant_id, i.provider, i.event_id, i.event_type, i.payload_sha256, $2::timestamptz
                FROM input i JOIN active a ON a.id = i.tenant_id
                ORDER BY i.tenant_id, i.provider, i.event_id
                ON CONFLICT (tenant_id, provider, event_id) DO NOTHING
                RETURNING id
            ),
            payment AS (
                INSERT INTO payments (id, tenant_id, provider, provider_payment_id, status, amount, currency, last_event_created, created_at, updated_at)
                SELECT i.payment_id, i.tenant_id, i.provider, i.intent, i.status, i.amount, i.currency, i.created, $2::timestamptz, $2::timestamptz
                FROM input i JOIN event e ON e.id = i.id
                WHERE i.intent IS NOT NULL
                ORDER BY i.tenant_id, i.provider, i.intent
                ON CONFLICT (tenant_id, provider, provider_payment_id) DO UPDATE SET
                    status = excluded.status, amount = COALESCE(excluded.amount, payments.amount),
                    currency = COALESCE(excluded.currency, payments.currency),
                    last_event_created = excluded.last_event_created, updated_at = excluded.updated_at
                WHERE payments.last_event_created <= excluded.last_event_created
            )
            SELECT i.n AS n, e.id IS NOT NULL AS stored, a.id IS NOT NULL AS active, (SELECT found FROM invoiced) AS invoiced
            FROM input i LEFT JOIN event e ON e.id = i.id LEFT JOIN active a ON a.id = i.tenant_id
            """
    }
}

/// Runs a `LedgerStatement` prepared on the connection it gets (prepared there on first use).
public protocol LedgerStatementRunner: Sendable {
    /// The statement's rows, or nil when `db` is not a PostgreSQL database.
    func run(_ statement: LedgerStatement, rows: String, now: Date, on db: any Database) async throws -> [LedgerStatement.Outcome]?
}
