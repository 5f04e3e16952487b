import FluentKit
import Foundation

/// The `invoice_refunds` rows of an invoice and what they make of it. The refund endpoint (from
/// the provider's answer) and refund webhooks both record through here, matched by the
/// provider's refund id, so a refund reported by both counts once; the invoice's
/// `amount_refunded` is always the sum of its succeeded refunds (at most what was paid).
enum InvoiceRefunds {
    /// Records a refund the provider reported, or updates the row already holding it. A refund
    /// first reported without an id (only as a cumulative amount) is claimed by the id when it
    /// arrives, instead of being counted again.
    static func record(providerRefundID: String?, amount: Int, status: String, requestedBy: UUID?, for invoice: Invoice, at now: Date,
                       on db: any Database) async throws -> InvoiceRefund {
        let status = ["pending", "succeeded", "failed", "canceled"].contains(status) ? status : "pending"
        let invoiceID = try invoice.requireID()
        if let providerRefundID {
            if let row = try await InvoiceRefund.query(on: db).filter(\.$tenantID == invoice.tenantID)
                .filter(\.$providerRefundID == providerRefundID).first() {
                if row.status != status {
                    row.status = status
                    if status == "succeeded" { row.refundedAt = now }
                    try await row.update(on: db)
                }
                return row
            }
            if status == "succeeded", let row = try await InvoiceRefund.query(on: db).filter(\.$tenantID == invoice.tenantID)
                .filter(\.$invoiceID == invoiceID).filter(\.$providerRefundID == nil).filter(\.$status == "succeeded")
                .filter(\.$amount == amount).first() {
                row.providerRefundID = providerRefundID
                if row.requestedBy == nil { row.requestedBy = requestedBy }
                try await row.update(on: db)
                return row
            }
        }
        let row = InvoiceRefund()
        row.id = TimeOrderedID.make()
        row.tenantID = invoice.tenantID
        row.invoiceID = invoiceID
        row.facilityID = invoice.facilityID
        row.providerRefundID = providerRefundID
        row.amount = amount
        row.currency = invoice.currency
        row.status = status
        row.requestedBy = requestedBy
        row.refundedAt = now
        try await row.create(on: db)
        return row
    }

    static func rows(of invoice: Invoice, on db: any Database) async throws -> [InvoiceRefund] {
        try await InvoiceRefund.query(on: db).filter(\.$tenantID == invoice.tenantID).filter(\.$invoiceID == invoice.requireID()).all()
    }

    static func succeededTotal(of invoice: Invoice, on db: any Database) async throws -> Int {
        try await rows(of: invoice, on: db).filter { $0.status == "succeeded" }.reduce(0) { $0 + $1.amount }
    }

    /// Brings `amount_refunded` and the state up to the succeeded refunds, only forward; saves
    /// the invoice. Returns whether the refunded amount grew.
    @discardableResult
    static func settle(_ invoice: Invoice, on db: any Database) async throws -> Bool {
        let refunded = min(invoice.amountPaid, try await succeededTotal(of: invoice, on: db))
        var moved = false
        if refunded > invoice.amountRefunded {
            let next = InvoiceLifecycle.statusAfterRefunds(paid: invoice.amountPaid, refunded: refunded)
            if next == invoice.status || InvoiceLifecycle.canMove(from: invoice.status, to: next) {
                invoice.amountRefunded = refunded
                invoice.status = next
                moved = true
            }
        }
        try await invoice.update(on: db)
        return moved
    }
}
