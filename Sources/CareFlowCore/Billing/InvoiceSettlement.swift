import FluentKit
import Foundation
import SQLKit

/// Moves invoices for payment events (issue 14): a payment that succeeded pays the invoice when
/// its amount and currency are exactly what is due; a failure is audited and leaves it open; a
/// refund event moves a paid invoice to `partially_refunded` / `refunded` by the cumulative
/// amount the provider reports. Every move goes through `InvoiceLifecycle`, and an event older
/// than the newest one applied (`last_event_created`) is ignored, so late or repeated events
/// never move an invoice back.
///
/// Crash safety: the webhook ledger calls `apply` inside the very transaction that stores the
/// events and their `payments` rows (see `WebhookLedger`), so an event is either recorded with
/// its invoice effect or not at all (and the provider, which got no 2xx, delivers it again). A
/// replayed event is never handed to `apply`: it has no second effect by construction.
///
/// The invoice is found only within the event's tenant: by PaymentIntent id, then by checkout
/// session id, then by the `invoice_id` the payment's metadata carries.
public struct InvoiceSettlement: Sendable {
    let audit: AuditLog

    public init(audit: AuditLog) {
        self.audit = audit
    }

    /// One newly recorded payment event.
    public struct Event: Sendable {
        public let tenantID: UUID
        /// The webhook provider (= the payments adapter's name).
        public let provider: String
        public let eventID: String
        public let type: String
        public let update: PaymentUpdate

        public init(tenantID: UUID, provider: String, eventID: String, type: String, update: PaymentUpdate) {
            self.tenantID = tenantID
            self.provider = provider
            self.eventID = eventID
            self.type = type
            self.update = update
        }
    }

    /// Applies `events` (in arrival order) on `db`, the caller's transaction. One query finds
    /// every invoice the batch may concern, so events about no invoice cost nothing more.
    public func apply(_ events: [Event], on db: any Database, now: Date = Date()) async throws {
        guard !events.isEmpty else { return }
        let invoices = try await candidates(for: events, on: db)
        guard !invoices.isEmpty else { return }
        for event in events {
            guard let invoice = Self.match(event, in: invoices) else { continue }
            try await settle(event, invoice, on: db, now: now)
        }
    }

    // MARK: Matching

    private func candidates(for events: [Event], on db: any Database) async throws -> [Invoice] {
        let tenants = Array(Set(events.map(\.tenantID)))
        let intents = Array(Set(events.map(\.update.providerPaymentID)))
        let sessions = Array(Set(events.compactMap(\.update.checkoutSessionID)))
        let ids = Array(Set(events.compactMap { $0.update.metadata["invoice_id"].flatMap(UUID.init(uuidString:)) }))
        // Written SQL (`selectDirect`): Fluent's builder reflected over the model on every batch.
        var matches: SQLQueryString = "\"provider_payment_id\" IN \(Self.list(intents))"
        if !sessions.isEmpty { matches += " OR \"checkout_session_id\" IN \(Self.list(sessions))" }
        if !ids.isEmpty { matches += " OR \"id\" IN \(Self.list(ids))" }
        return try await db.selectDirect(Invoice.self, "WHERE \"tenant_id\" IN \(Self.list(tenants)) AND (\(matches))")
    }

    /// `(?, ?, …)`: each value bound.
    private static func list(_ values: [some Encodable & Sendable]) -> SQLQueryString {
        var list: SQLQueryString = "("
        for (i, value) in values.enumerated() { list += (i == 0 ? "" : ", ") + "\(bind: value)" }
        return list + ")"
    }

    static func match(_ event: Event, in invoices: [Invoice]) -> Invoice? {
        let own = invoices.filter { $0.tenantID == event.tenantID }
        let update = event.update
        if let invoice = own.first(where: { $0.providerPaymentID == update.providerPaymentID }) { return invoice }
        if let session = update.checkoutSessionID, let invoice = own.first(where: { $0.checkoutSessionID == session }) { return invoice }
        if let id = update.metadata["invoice_id"].flatMap(UUID.init(uuidString:)) { return own.first { $0.id == id } }
        return nil
    }

    // MARK: Effects

    private func settle(_ event: Event, _ invoice: Invoice, on db: any Database, now: Date) async throws {
        let update = event.update
        // An event older than the newest applied one describes a past state: it never moves
        // the invoice (an equal time applies: providers' clocks have whole seconds).
        if let last = invoice.lastEventCreated, update.eventCreated < last { return }
        switch update.status {
        case .succeeded:
            try await pay(event, invoice, received: update.amountReceived ?? update.amount, on: db, now: now)
        case .failed:
            guard invoice.status == .open else { return }
            try await record(event, invoice, .invoicePaymentFailed, outcome: .failure,
                             ["failure_code": String((update.failureCode ?? "unknown").prefix(64))], on: db)
        case .refunded:
            if invoice.status == .open {
                // The refund of a charge shows it was collected: pay first (checked like a
                // success), so an earlier success arriving later has nothing left to do.
                guard try await pay(event, invoice, received: update.amount, on: db, now: now) else { return }
            }
            try await applyReportedRefunds(event, invoice, on: db, now: now)
        case .pending:
            return
        }
    }

    /// Pays an open invoice when the payment is exactly what is due; a mismatch is audited and
    /// leaves the invoice as it is. Returns whether the invoice is (now) paid by this payment.
    @discardableResult
    private func pay(_ event: Event, _ invoice: Invoice, received: Int?, on db: any Database, now: Date) async throws -> Bool {
        let update = event.update
        guard invoice.status == .open else {
            // The same payment reported again (the checkout's completion after the intent's
            // success) is nothing new; another payment of a settled invoice needs a person.
            if invoice.providerPaymentID != update.providerPaymentID, update.status == .succeeded {
                try await record(event, invoice, .invoicePaymentMismatch, outcome: .failure,
                                 ["reason": "invoice is \(invoice.status.rawValue)", "received_amount": received.map(String.init) ?? "unknown"],
                                 on: db)
            }
            return invoice.providerPaymentID == update.providerPaymentID && invoice.status != .void
        }
        let due = invoice.total - invoice.amountPaid
        let currency = update.currency?.lowercased()
        guard let received, received == due, currency == invoice.currency.lowercased(), InvoiceLifecycle.canMove(from: .open, to: .paid)
        else {
            try await record(event, invoice, .invoicePaymentMismatch, outcome: .failure,
                             ["reason": "amount or currency differs from the amount due", "expected_amount": String(due),
                              "expected_currency": invoice.currency, "received_amount": received.map(String.init) ?? "unknown",
                              "received_currency": String((currency ?? "unknown").prefix(8))], on: db)
            return false
        }
        invoice.amountPaid += received
        invoice.status = .paid
        invoice.paidAt = now
        invoice.providerPaymentID = update.providerPaymentID
        if let session = update.checkoutSessionID { invoice.checkoutSessionID = session }
        if invoice.paymentProvider == nil { invoice.paymentProvider = event.provider }
        invoice.lastEventCreated = max(invoice.lastEventCreated ?? 0, update.eventCreated)
        try await invoice.update(on: db)
        try await record(event, invoice, .invoicePaid, outcome: .success,
                         ["amount": String(received), "currency": invoice.currency], on: db)
        return true
    }

    /// A refund event: each listed refund is recorded once by its provider id; what the
    /// cumulative `amount_refunded` says beyond the listed ones is recorded without an id.
    private func applyReportedRefunds(_ event: Event, _ invoice: Invoice, on db: any Database, now: Date) async throws {
        let update = event.update
        guard invoice.status == .paid || invoice.status == .partiallyRefunded else { return }
        if let currency = update.currency, currency.lowercased() != invoice.currency.lowercased() {
            try await record(event, invoice, .invoicePaymentMismatch, outcome: .failure,
                             ["reason": "refund currency differs from the invoice's"], on: db)
            return
        }
        for refund in update.refunds {
            _ = try await InvoiceRefunds.record(providerRefundID: refund.id, amount: refund.amount, status: refund.status,
                                                requestedBy: nil, for: invoice, at: now, on: db)
        }
        if let cumulative = update.amountRefunded {
            let succeeded = try await InvoiceRefunds.succeededTotal(of: invoice, on: db)
            if cumulative > succeeded {
                _ = try await InvoiceRefunds.record(providerRefundID: nil, amount: cumulative - succeeded, status: "succeeded",
                                                    requestedBy: nil, for: invoice, at: now, on: db)
            }
        }
        invoice.lastEventCreated = max(invoice.lastEventCreated ?? 0, update.eventCreated)
        let moved = try await InvoiceRefunds.settle(invoice, on: db)
        if moved {
            try await record(event, invoice, .invoiceRefunded, outcome: .success,
                             ["amount_refunded": String(invoice.amountRefunded), "status": invoice.status.rawValue], on: db)
        }
    }

    private func record(_ event: Event, _ invoice: Invoice, _ action: AuditAction, outcome: AuditOutcome, _ details: [String: String],
                        on db: any Database) async throws {
        var details = details
        details["provider"] = event.provider
        details["event_id"] = String(event.eventID.prefix(255))
        details["event_type"] = String(event.type.prefix(100))
        details["provider_payment_id"] = String(event.update.providerPaymentID.prefix(255))
        try await audit.append(
            AuditRecord(tenantID: invoice.tenantID, facilityID: invoice.facilityID, actor: .system, action: action, outcome: outcome,
                        targetType: "invoice", targetID: invoice.id?.lowercasedString, details: details),
            origin: .none, on: db)
    }
}
