import FluentKit
import Foundation

// Reading claims: one with its history, the list, and what of a claim its reader may see.
extension ClaimService {
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

    func history(of claimID: UUID, in scope: TenantScope) async throws -> [ClaimTransition] {
        try await scope.query(ClaimTransition.self).filter(\.$claimID == claimID).sort(\.$at).sort(\.$id).all()
    }

    /// Opens what the caller may read. The policy number is insurance data of the patient, so it
    /// follows `patient.read` (every role that reads claims holds it today; the check keeps it so).
    func view(of claim: Claim, history: [ClaimTransition]?, cipher: FieldCipher, for principal: Principal,
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
