import FluentKit
import Foundation

extension InvoiceService {
    /// The invoices the caller may read, newest first: billing and facility admins those of
    /// their facilities, group admins all, a patient their own. A `facility_id` outside the
    /// caller's reach is a 403 (audited); no reach at all is a 403.
    public func list(_ filters: InvoiceFilters, page: PageRequest, in ctx: RequestContext) async throws -> Page<View> {
        if let from = filters.from, let to = filters.to, to <= from { throw AppError.invalid("to", "must be after from") }
        var query = ctx.scope.query(Invoice.self)
        guard try await restrictToReadable(&query, facilityFilter: filters.facilityID, in: ctx) else {
            return Page(items: [], nextCursor: nil)
        }
        let rows = try await NewestFirst.page(filters.apply(to: query), page)
        let views = try await views(of: rows.items, in: ctx)
        if !rows.items.isEmpty {
            let patientIDs = Set(rows.items.map(\.patientID)).map(\.lowercasedString).sorted()
            try await audit.appendRetrying(
                AuditRecord(tenantID: ctx.tenantID, actor: ctx.principal.auditActor, action: .invoiceRead, targetType: "invoices",
                            details: ["what": "invoice_list", "count": String(rows.items.count), "patients": patientIDs.joined(separator: ",")]),
                origin: ctx.origin, on: ctx.db)
        }
        return Page(items: views, nextCursor: rows.nextCursor)
    }

    /// Narrows the query to the facilities where the caller holds `invoice.read` and, for a
    /// `self` grant, to the caller's own patient records. False when that leaves nothing (a
    /// patient account without a patient record).
    private func restrictToReadable(_ query: inout QueryBuilder<Invoice>, facilityFilter: UUID?, in ctx: RequestContext) async throws -> Bool {
        let principal = ctx.principal
        guard let facilities = AccessDecision.facilities(for: principal, .invoiceRead) else { return true }
        let ownScope = principal.grants.contains { AccessPolicy.scope(of: $0.role, for: .invoiceRead) == .self }
        if facilities.isEmpty && !ownScope {
            try await guardian.authorize(principal, .invoiceRead, on: .tenant, origin: ctx.origin, db: ctx.db)
        }
        if let facilityFilter, !facilities.isEmpty, !facilities.contains(facilityFilter) {
            try await guardian.authorize(principal, .invoiceRead, on: .facility(facilityFilter), origin: ctx.origin, db: ctx.db)
        }
        let me = principal.subjectID
        let ownPatients = ownScope ? try await ctx.scope.query(Patient.self).filter(\.$userID == me).all().compactMap(\.id) : []
        if facilities.isEmpty && ownPatients.isEmpty { return false }
        query = query.group(.or) { or in
            if !facilities.isEmpty { or.filter(\.$facilityID ~~ Array(facilities)) }
            if !ownPatients.isEmpty { or.filter(\.$patientID ~~ ownPatients) }
        }
        return true
    }
}
