import FluentKit
import Foundation
import SQLKit

extension InvoiceService {
    /// Replaces every line of a draft and computes its money again. Only a draft: once issued an
    /// invoice is what the patient was sent, so any other state is a 409 naming it.
    public func replaceLines(of invoiceID: UUID, with lines: [NewInvoice.Line], in ctx: RequestContext,
                             now: Date = Date()) async throws -> View {
        let invoice = try await ctx.scope.require(Invoice.self, invoiceID, name: "Invoice")
        try await authorize(.invoiceManage, on: invoice, in: ctx)
        guard invoice.status == .draft else { throw Self.immutable(invoice.status) }
        let totals = try Self.totals(of: lines)
        let cipher = try await keyring.cipher(forTenant: ctx.tenantID, on: ctx.db)
        let rows = try Self.lines(lines, totals: totals, of: invoiceID, sealedWith: cipher)
        try await ctx.scope.writeTransaction { tx in
            guard let sql = tx.db as? any SQLDatabase else { throw AppError.unavailable("SQL database required") }
            // First, and conditional on `draft`: a finalize that got there first wins, and
            // one that comes later waits for this transaction and issues the new lines.
            let changed = try await sql.raw("""
                UPDATE \(ident: Invoice.schema)
                SET subtotal = \(bind: totals.subtotal), tax = \(bind: totals.tax), total = \(bind: totals.total),
                    updated_at = \(bind: now)
                WHERE id = \(bind: invoiceID) AND tenant_id = \(bind: tx.tenantID) AND status = \(bind: Invoice.Status.draft.rawValue)
                RETURNING id
                """).all()
            guard changed.count == 1 else {
                throw Self.immutable(try await tx.find(Invoice.self, invoiceID)?.status ?? .void)
            }
            try await tx.query(InvoiceLine.self).filter(\.$invoiceID == invoiceID).delete()
            for row in rows { try await tx.create(row) }
            try await audit.append(
                AuditRecord(tenantID: ctx.tenantID, facilityID: invoice.facilityID, actor: ctx.principal.auditActor,
                            action: .invoiceUpdated, targetType: "invoice", targetID: invoiceID.lowercasedString,
                            details: ["lines": String(rows.count), "total": String(totals.total), "currency": invoice.currency]),
                origin: ctx.origin, on: tx.db)
        }
        return try await views(of: [try await ctx.scope.require(Invoice.self, invoiceID, name: "Invoice")], in: ctx)[0]
    }

    static func immutable(_ status: Invoice.Status) -> AppError {
        .conflict("The invoice is \(status.rawValue): only a draft's lines can change")
    }
}
