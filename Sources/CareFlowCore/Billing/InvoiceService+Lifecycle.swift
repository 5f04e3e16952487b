import FluentKit
import Foundation
import SQLKit

extension InvoiceService {
    /// Issues a draft: `open`, `issued_at` now and the next number of the facility's year, all
    /// in one transaction with its audit event. Once open, the lines and amounts never change.
    public func finalize(_ invoiceID: UUID, in ctx: RequestContext, now: Date = Date()) async throws -> View {
        let invoice = try await ctx.scope.require(Invoice.self, invoiceID, name: "Invoice")
        try await authorize(.invoiceManage, on: invoice, in: ctx)
        try Self.requireMove(from: invoice.status, to: .open)
        let facility = try await ctx.scope.require(Facility.self, invoice.facilityID, name: "Facility")
        let year = InvoiceNumber.year(of: now, in: StaffRoster.timeZone(of: facility))
        try await ctx.scope.writeTransaction { tx in
            let sequence = try await InvoiceSequence.next(facilityID: invoice.facilityID, year: year, in: tx)
            let number = InvoiceNumber.format(facilityCode: facility.code, year: year, sequence: sequence)
            // The total as issued, read by the same statement that froze it.
            let total = try await move(invoiceID, from: .draft, to: .open, setting: ["number": number, "issued_at": now],
                                       in: tx, now: now)
            try await audit.append(
                AuditRecord(tenantID: ctx.tenantID, facilityID: invoice.facilityID, actor: ctx.principal.auditActor,
                            action: .invoiceFinalized, targetType: "invoice", targetID: invoiceID.lowercasedString,
                            details: ["number": number, "total": String(total), "currency": invoice.currency]),
                origin: ctx.origin, on: tx.db)
        }
        // Read again: the answer shows what was issued, not what was read before the transaction.
        return try await views(of: [try await ctx.scope.require(Invoice.self, invoiceID, name: "Invoice")], in: ctx)[0]
    }

    /// Cancels a draft or an open invoice (money already paid is given back by a refund, never by
    /// voiding). Its number, if it had one, stays used: the sequence has no gaps, and a void
    /// invoice keeps its place in it.
    public func void(_ invoiceID: UUID, in ctx: RequestContext, now: Date = Date()) async throws -> View {
        let invoice = try await ctx.scope.require(Invoice.self, invoiceID, name: "Invoice")
        try await authorize(.invoiceManage, on: invoice, in: ctx)
        let from = invoice.status
        try Self.requireMove(from: from, to: .void)
        try await ctx.scope.writeTransaction { tx in
            _ = try await move(invoiceID, from: from, to: .void, setting: ["voided_at": now], in: tx, now: now)
            try await audit.append(
                AuditRecord(tenantID: ctx.tenantID, facilityID: invoice.facilityID, actor: ctx.principal.auditActor,
                            action: .invoiceVoided, targetType: "invoice", targetID: invoiceID.lowercasedString,
                            details: ["from": from.rawValue, "number": invoice.number ?? "", "total": String(invoice.total)]),
                origin: ctx.origin, on: tx.db)
        }
        return try await views(of: [try await ctx.scope.require(Invoice.self, invoiceID, name: "Invoice")], in: ctx)[0]
    }

    /// A 409 naming both states when `InvoiceLifecycle` forbids the move.
    static func requireMove(from: Invoice.Status, to: Invoice.Status) throws {
        guard InvoiceLifecycle.canMove(from: from, to: to) else {
            throw AppError.conflict("The invoice is \(from.rawValue) and cannot move from \(from.rawValue) to \(to.rawValue)")
        }
    }

    /// One UPDATE conditional on the state read: of two concurrent moves only one succeeds; the
    /// other gets a 409 with the state it lost to, and its transaction (and any number it took)
    /// rolls back. A number that another invoice already holds is a 409 too. Returns the total.
    private func move(_ invoiceID: UUID, from: Invoice.Status, to: Invoice.Status, setting columns: [String: any Encodable & Sendable],
                      in tx: TenantScope, now: Date) async throws -> Int {
        guard let sql = tx.db as? any SQLDatabase else { throw AppError.unavailable("SQL database required") }
        var assignments: [any SQLExpression] = [
            SQLBinaryExpression(SQLIdentifier("status"), .equal, SQLBind(to.rawValue)),
            SQLBinaryExpression(SQLIdentifier("updated_at"), .equal, SQLBind(now)),
        ]
        for (column, value) in columns.sorted(by: { $0.key < $1.key }) {
            assignments.append(SQLBinaryExpression(SQLIdentifier(column), .equal, SQLBind(value)))
        }
        let changed: [any SQLRow]
        do {
            changed = try await sql.raw("""
                UPDATE \(ident: Invoice.schema) SET \(SQLList(assignments))
                WHERE id = \(bind: invoiceID) AND tenant_id = \(bind: tx.tenantID) AND status = \(bind: from.rawValue) RETURNING total
                """).all()
        } catch let error as any DatabaseError where error.isConstraintFailure {
            throw AppError.conflict("Another invoice already holds this number; nothing was changed")
        }
        guard changed.count == 1 else {
            let current = try await tx.find(Invoice.self, invoiceID)?.status.rawValue ?? "gone"
            throw AppError.conflict("The invoice changed meanwhile: it is \(current) and cannot move from \(from.rawValue) to \(to.rawValue)")
        }
        return try changed[0].decode(column: "total", as: Int.self)
    }
}
