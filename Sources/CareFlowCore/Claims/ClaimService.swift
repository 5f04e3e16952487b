import FluentKit
import Foundation
import SQLKit

/// Insurance claims through the API (issue 14). Billing at the invoice's facility (and the
/// group admin) files claims and moves them along `ClaimLifecycle`; the same staff and the
/// patient of the invoice read them. Every change of state and its `claim_transitions` row,
/// and its audit event, are one transaction; the policy number and notes are sealed and never
/// reach the audit trail. A claim of another tenant is a 404, one of another facility a 403.
/// Reading (one claim with its history, the list) is in `ClaimService+Read.swift`.
public struct ClaimService: Sendable {
    let guardian: AccessGuard
    let audit: AuditLog
    let keyring: Keyring

    public init(guardian: AccessGuard, audit: AuditLog, keyring: Keyring) {
        self.guardian = guardian
        self.audit = audit
        self.keyring = keyring
    }

    /// Files a claim for part or all of an issued invoice: `submitted`, with its first transition.
    public func submit(_ request: ClaimSubmission, in context: RequestContext, now: Date = Date()) async throws -> ClaimView {
        let (scope, principal, origin) = (context.scope, context.principal, context.origin)
        let invoice = try await scope.require(Invoice.self, request.invoiceID, name: "Invoice")
        try await guardian.authorize(principal, .claimManage, on: .facility(invoice.facilityID), origin: origin, db: scope.db)
        guard request.amount <= invoice.total else {
            throw AppError.invalid("amount", "must be at most the invoice total, \(invoice.total) (\(invoice.currency) minor units)")
        }
        try Self.checkClaimable(invoice)

        let cipher = try await keyring.cipher(forTenant: scope.tenantID, on: scope.db)
        let claim = Claim()
        claim.id = TimeOrderedID.make(at: now)
        claim.tenantID = scope.tenantID
        claim.invoiceID = request.invoiceID
        claim.facilityID = invoice.facilityID
        claim.patientID = invoice.patientID
        claim.payer = request.payer
        claim.policyNumberSealed = try cipher.seal(request.policyNumber)
        claim.amount = request.amount
        claim.currency = invoice.currency
        claim.status = .submitted
        claim.createdBy = principal.auditActor.id
        claim.createdAt = now
        let first = Self.transition(of: claim, from: nil, to: .submitted, note: nil, by: principal, at: now)
        let audit = self.audit

        try await scope.writeTransaction { tx in
            // The sum below must see every claim committed for this invoice: the
            // invoice row is locked so two submissions of one invoice go one after the other.
            let current = try await Self.lockInvoice(request.invoiceID, in: tx)
            try Self.checkClaimable(current)
            let held = try await tx.query(Claim.self).filter(\.$invoiceID == request.invoiceID)
                .filter(\.$status != .denied).all(\.$amount).reduce(0, +)
            guard held + request.amount <= current.total else {
                throw AppError.conflict("The claims of this invoice would exceed its total: \(held) of \(current.total) "
                                        + "is claimed already, \(current.total - min(held, current.total)) remains")
            }
            try await tx.create(claim)
            try await tx.create(first)
            try await audit.append(
                AuditRecord(tenantID: tx.tenantID, facilityID: claim.facilityID, actor: principal.auditActor,
                            action: .claimSubmitted, targetType: "claim", targetID: claim.id!.lowercasedString,
                            details: ["invoice_id": request.invoiceID.lowercasedString, "amount": String(request.amount),
                                      "currency": claim.currency]),
                origin: origin, on: tx.db)
        }
        return try await view(of: claim, history: [first], cipher: cipher, for: principal, in: scope)
    }

    /// Moves the claim along one edge of `ClaimLifecycle`. The update is conditional on the
    /// state read, so of two concurrent moves from one state exactly one wins; the other is a 409.
    public func transition(_ claimID: UUID, to: Claim.Status, note: String?, in context: RequestContext,
                           now: Date = Date()) async throws -> ClaimView {
        let (scope, principal, origin) = (context.scope, context.principal, context.origin)
        let claim = try await scope.require(Claim.self, claimID, name: "Claim")
        try await guardian.authorize(principal, .claimManage, on: .facility(claim.facilityID), origin: origin, db: scope.db)
        let from = claim.status
        try ClaimLifecycle.check(from: from, to: to)
        if ClaimLifecycle.requiresReason(to) && note == nil {
            throw AppError.invalid("note", "is required to deny a claim: it is the denial reason")
        }
        let cipher = try await keyring.cipher(forTenant: scope.tenantID, on: scope.db)
        let step = Self.transition(of: claim, from: from, to: to, note: try note.map { try cipher.seal($0) }, by: principal, at: now)
        // Only a denial sets the reason, and nothing leaves `denied`: otherwise it stays null.
        let reason = ClaimLifecycle.requiresReason(to) ? step.noteSealed : nil
        let audit = self.audit

        try await scope.writeTransaction { tx in
            guard let sql = tx.db as? any SQLDatabase else { throw AppError.unavailable("SQL database required") }
            let moved = try await sql.raw("""
                UPDATE \(ident: Claim.schema) SET status = \(bind: to.rawValue), denial_reason = \(bind: reason?.token),
                updated_at = \(bind: now)
                WHERE id = \(bind: claimID) AND tenant_id = \(bind: tx.tenantID) AND status = \(bind: from.rawValue) RETURNING id
                """).all()
            guard moved.count == 1 else {
                throw AppError.conflict("The claim is no longer \(from.rawValue): another change came first, "
                                        + "so it cannot move from \(from.rawValue) to \(to.rawValue)")
            }
            try await tx.create(step)
            try await audit.append(
                AuditRecord(tenantID: tx.tenantID, facilityID: claim.facilityID, actor: principal.auditActor,
                            action: .claimTransitioned, targetType: "claim", targetID: claimID.lowercasedString,
                            details: ["from": from.rawValue, "to": to.rawValue]),
                origin: origin, on: tx.db)
        }
        claim.status = to
        claim.denialReasonSealed = reason
        claim.updatedAt = now
        return try await view(of: claim, history: try await history(of: claimID, in: scope), cipher: cipher, for: principal, in: scope)
    }

    // MARK: - Helpers

    /// A claim is the facility's (billing, admins) and the patient's (`self`, their own account).
    static func targets(_ claim: Claim, patientUserID: UUID?) -> [AccessTarget] {
        [.facility(claim.facilityID), .patient(.identity(of: claim.patientID, userID: patientUserID))]
    }

    static func checkClaimable(_ invoice: Invoice) throws(AppError) {
        guard ClaimLifecycle.acceptsClaims(invoice.status) else {
            throw .conflict("A \(invoice.status.rawValue) invoice cannot be claimed: only an issued invoice "
                            + "(open, paid or partially_refunded)")
        }
    }

    static func transition(of claim: Claim, from: Claim.Status?, to: Claim.Status, note: Sealed<String>?, by principal: Principal,
                           at now: Date) -> ClaimTransition {
        let step = ClaimTransition()
        step.id = TimeOrderedID.make(at: now)
        step.tenantID = claim.tenantID
        step.claimID = claim.id!
        step.fromStatus = from
        step.toStatus = to
        step.noteSealed = note
        step.actorID = principal.auditActor.id
        step.at = now
        return step
    }

    /// Reads the invoice inside the transaction, locked against a concurrent claim of it: a row
    /// lock on PostgreSQL; on SQLite the `WriteTransaction` holds the database's write lock.
    static func lockInvoice(_ invoiceID: UUID, in tx: TenantScope) async throws -> Invoice {
        guard let sql = tx.db as? any SQLDatabase else { throw AppError.unavailable("SQL database required") }
        if sql.dialect.name == "postgresql" {
            try await sql.raw("SELECT id FROM \(ident: Invoice.schema) WHERE id = \(bind: invoiceID) FOR UPDATE").run()
        }
        return try await tx.require(Invoice.self, invoiceID, name: "Invoice")
    }
}
