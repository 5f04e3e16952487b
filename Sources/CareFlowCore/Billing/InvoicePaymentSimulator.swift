import FluentKit
import Foundation

/// `careflow payments simulate` (issue 14): for a tenant on the `console` payments adapter,
/// completes or fails an open invoice's payment as the provider's webhook would, through the
/// same ledger and `InvoiceSettlement` path. Refused for any other adapter: a real provider's
/// payments are only ever confirmed by the provider.
public struct InvoicePaymentSimulator: Sendable {
    let audit: AuditLog
    let gateways: any TenantPaymentGateways
    let webhooks: WebhookService

    public static let provider = WebhookProvider("console")

    public init(audit: AuditLog, gateways: any TenantPaymentGateways, webhooks: WebhookService) {
        self.audit = audit
        self.gateways = gateways
        self.webhooks = webhooks
    }

    public enum Outcome: String, Sendable, CaseIterable {
        case succeeded, failed
    }

    /// - Parameter invoice: the invoice's id or its number (`INV-…`).
    /// - Returns: the invoice afterwards.
    public func simulate(invoice reference: String, tenantSlug: String, outcome: Outcome, now: Date = Date(),
                         on db: any Database) async throws -> Invoice {
        guard let tenant = try await Tenant.find(slug: tenantSlug, on: db), let tenantID = tenant.id else {
            throw AppError.notFound("No tenant \(tenantSlug)")
        }
        let scope = TenantScope(tenantID: tenantID, db: db)
        let payments = try await gateways.payments(forTenant: tenantID)
        guard payments.adapter == "console" else {
            throw AppError.conflict("Tenant \(tenantSlug) takes payments through \(payments.adapter), not console: only its provider confirms them")
        }
        let query = scope.query(Invoice.self)
        let found = try await (UUID(uuidString: reference).map { query.filter(\.$id == $0) } ?? query.filter(\.$number == reference)).first()
        guard let invoice = found, let invoiceID = invoice.id else { throw AppError.notFound("No invoice \(reference) in tenant \(tenantSlug)") }
        guard invoice.status == .open else { throw AppError.conflict("Invoice \(reference) is \(invoice.status.rawValue), not open") }
        let due = invoice.total - invoice.amountPaid
        let metadata = ["invoice_id": invoiceID.lowercasedString, "tenant": tenantSlug]
        var paymentID = invoice.providerPaymentID
        if paymentID == nil {
            // No payment started yet: start one as `POST /invoices/{id}/payment` would.
            let intent = try await InvoicePaymentService.calling(payments.adapter) {
                try await payments.gateway.createPaymentIntent(
                    PaymentRequest(amount: due, currency: invoice.currency, description: "Invoice \(invoice.number ?? invoiceID.lowercasedString)",
                                   metadata: metadata),
                    idempotencyKey: "careflow-invoice-\(invoiceID.lowercasedString)-payment_intent-\(due)")
            }
            invoice.providerPaymentID = intent.id
            invoice.paymentProvider = payments.adapter
            try await scope.update(invoice)
            paymentID = intent.id
        }
        guard let paymentID else { throw AppError.conflict("The invoice has no payment") }
        let eventID = "evt_console_\(UUID().uuidString.lowercased())"
        let succeeded = outcome == .succeeded
        let update = PaymentUpdate(providerPaymentID: paymentID, status: succeeded ? .succeeded : .failed, amount: due,
                                   currency: invoice.currency, eventCreated: Int(now.timeIntervalSince1970),
                                   amountReceived: succeeded ? due : nil, metadata: metadata,
                                   failureCode: succeeded ? nil : "simulated_decline")
        let event = PaymentEvent(id: eventID, type: succeeded ? "payment_intent.succeeded" : "payment_intent.payment_failed", update: update)
        _ = try await webhooks.recordPaymentEvent(event, from: Self.provider, in: scope, now: now)
        try await audit.append(
            AuditRecord(tenantID: tenantID, facilityID: invoice.facilityID, actor: .system, action: .invoicePaymentSimulate,
                        targetType: "invoice", targetID: invoiceID.lowercasedString,
                        details: ["outcome": outcome.rawValue, "event_id": eventID, "provider_payment_id": paymentID]),
            origin: .none, on: db)
        return try await scope.require(Invoice.self, invoiceID, name: "Invoice")
    }
}
