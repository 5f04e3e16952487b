import FluentKit
import Foundation
import SQLKit

/// Insurance claims through the API (issue 14). Billing at the invoice's facility (and the
/// group admin) files claims and moves them along `ClaimLifecycle`; the same staff and the
/// patient of the invoice read them. Every change of state and its `claim_transitions` row,
/// and its audit event, are one transaction; the policy number and notes are sealed and never
/// reach the audit trail. A claim of another tenant is a 404, one of another facility a 403.
public struct ClaimService: Sendable {
    let guardian: AccessGuard
    let audit: AuditLog
    let keyring: Keyring
    /// On SQLite, claim writes of this process queue here instead of contending for the lock.
    let writes = SQLiteWriteQueue.shared

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

        try await writes.run(on: scope.db) {
            try await BusyRetry.run {
                try await scope.transaction { tx in
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
            }
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

        try await writes.run(on: scope.db) {
            try await BusyRetry.run {
                try await scope.transaction { tx in
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
            }
        }
        claim.status = to
        claim.denialReasonSealed = reason
        claim.updatedAt = now
        return try await view(of: claim, history: try await history(of: claimID, in: scope), cipher: cipher, for: principal, in: scope)
    }

    /// One claim with its whole history, oldest move first (audited as `claim.read`).
    public func read(_ claimID: UUID, in context: RequestContext) async throws -> ClaimView {
        let (scope, principal, origin) = (context.scope, context.principal, context.origin)
        let claim = try await scope.require(Claim.self, claimID, name: "Claim")
        let patientUserID = try await scope.find(Patient.self, claim.patientID)?.userID
        try await guardian.authorize(principal, .claimRead, onAnyOf: Self.targets(claim, patientUserID: patientUserID),
                                     origin: origin, db: scope.db)
        let cipher = try await keyring.cipher(forTenant: scope.tenantID, on: scope.db)
        let view = try await view(of: claim, history: try await history(of: claimID, in: scope), cipher: cipher, for: principal,
                                  in: scope, patientUserID: patientUserID)
        try await audit.appendRetrying(
            AuditRecord(tenantID: scope.tenantID, facilityID: claim.facilityID, actor: principal.auditActor, action: .claimRead,
                        targetType: "claim", targetID: claimID.lowercasedString,
                        details: ["patient_id": claim.patientID.lowercasedString]),
            origin: origin, on: scope.db)
        return view
    }

    /// The claims the caller may see (billing and facility admins their facilities', the group
    /// admin all, a patient those of their own invoices), newest first, without history.
    public func list(_ filters: ClaimFilters, page: PageRequest, in context: RequestContext) async throws -> Page<ClaimView> {
        let (scope, principal, origin) = (context.scope, context.principal, context.origin)
        var query = scope.query(Claim.self)
        let facilities = AccessDecision.facilities(for: principal, .claimRead)
        if let facilities {
            let ownScope = principal.grants.contains { AccessPolicy.scope(of: $0.role, for: .claimRead) == .self }
            if facilities.isEmpty && !ownScope {
                try await guardian.authorize(principal, .claimRead, on: .tenant, origin: origin, db: scope.db)
            }
            let ownPatients = ownScope
                ? try await scope.query(Patient.self).filter(\.$userID == principal.subjectID).all().compactMap(\.id) : []
            if facilities.isEmpty && ownPatients.isEmpty { return Page(items: [], nextCursor: nil) }
            query = query.group(.or) { or in
                if !facilities.isEmpty { or.filter(\.$facilityID ~~ Array(facilities)) }
                if !ownPatients.isEmpty { or.filter(\.$patientID ~~ ownPatients) }
            }
        }
        if let invoiceID = filters.invoiceID { query = query.filter(\.$invoiceID == invoiceID) }
        if let facilityID = filters.facilityID { query = query.filter(\.$facilityID == facilityID) }
        if let status = filters.status { query = query.filter(\.$status == status) }
        let rows = try await NewestFirst.page(query, page)
        guard !rows.items.isEmpty else { return Page(items: [], nextCursor: rows.nextCursor) }

        let cipher = try await keyring.cipher(forTenant: scope.tenantID, on: scope.db)
        let patientIDs = Array(Set(rows.items.map(\.patientID)))
        let accounts = Dictionary(try await scope.query(Patient.self).filter(\.$id ~~ patientIDs).all().map { ($0.id!, $0.userID) },
                                  uniquingKeysWith: { a, _ in a })
        var views: [ClaimView] = []
        for claim in rows.items {
            views.append(try await view(of: claim, history: nil, cipher: cipher, for: principal, in: scope,
                                        patientUserID: accounts[claim.patientID] ?? nil))
        }
        try await audit.appendRetrying(
            AuditRecord(tenantID: scope.tenantID, actor: principal.auditActor, action: .claimRead, targetType: "claims",
                        details: ["what": "claim_list", "count": String(views.count),
                                  "patients": patientIDs.map(\.lowercasedString).sorted().joined(separator: ",")]),
            origin: origin, on: scope.db)
        return Page(items: views, nextCursor: rows.nextCursor)
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
    /// lock on PostgreSQL; on SQLite the transaction first becomes the writer (a no-op write),
    /// since a transaction that reads and only later writes can fail when another wrote between.
    static func lockInvoice(_ invoiceID: UUID, in tx: TenantScope) async throws -> Invoice {
        guard let sql = tx.db as? any SQLDatabase else { throw AppError.unavailable("SQL database required") }
        if sql.dialect.name == "postgresql" {
            try await sql.raw("SELECT id FROM \(ident: Invoice.schema) WHERE id = \(bind: invoiceID) FOR UPDATE").run()
        } else {
            try await sql.raw("UPDATE \(ident: Invoice.schema) SET id = id WHERE 1 = 0").run()
        }
        return try await tx.require(Invoice.self, invoiceID, name: "Invoice")
    }

    private func history(of claimID: UUID, in scope: TenantScope) async throws -> [ClaimTransition] {
        try await scope.query(ClaimTransition.self).filter(\.$claimID == claimID).sort(\.$at).sort(\.$id).all()
    }

    /// Opens what the caller may read. The policy number is insurance data of the patient, so it
    /// follows `patient.read` (every role that reads claims holds it today; the check keeps it so).
    private func view(of claim: Claim, history: [ClaimTransition]?, cipher: FieldCipher, for principal: Principal,
                      in scope: TenantScope, patientUserID: UUID?? = nil) async throws -> ClaimView {
        let userID: UUID? = if let patientUserID { patientUserID } else { try await scope.find(Patient.self, claim.patientID)?.userID }
        let showsPolicy = AccessDecision.isAllowed(principal, .patientRead, on: .patient(.identity(of: claim.patientID, userID: userID)))
        var entries: [ClaimView.Entry]?
        if let history {
            let actorIDs = Array(Set(history.compactMap(\.actorID)))
            var names: [UUID: String] = [:]
            if !actorIDs.isEmpty {
                let directory = UserDirectory(scope: scope, cipher: cipher)
                for user in try await scope.query(User.self).filter(\.$id ~~ actorIDs).all() {
                    if let name = try directory.profile(user).displayName { names[user.id!] = name }
                }
            }
            entries = try history.map { step in
                ClaimView.Entry(transition: step, actorDisplayName: step.actorID.flatMap { names[$0] }, note: try cipher.open(step.noteSealed))
            }
        }
        let policyNumber: String? = showsPolicy ? try cipher.open(claim.policyNumberSealed) as String : nil
        return ClaimView(claim: claim, policyNumber: policyNumber, denialReason: try cipher.open(claim.denialReasonSealed), history: entries)
    }
}
