import FluentKit
import Foundation

/// Invoices through the API (issue 14): creating a draft, reading one, and (in
/// `InvoiceService+Lifecycle`) finalizing and voiding; lists in `InvoiceService+List`. Payments
/// and refunds are another service's: every state change, theirs too, asks `InvoiceLifecycle`.
///
/// Who may: `invoice.manage` at the invoice's facility (billing there, group admins);
/// `invoice.read` at the facility or on the patient's own account. An invoice of another tenant
/// is a 404, one of another facility a 403 (audited), as for appointments. Line descriptions
/// name the care given and are sealed; reads are audited like every PHI read.
public struct InvoiceService: Sendable {
    let guardian: AccessGuard
    let audit: AuditLog
    let keyring: Keyring
    let patients: PatientAccess

    public init(guardian: AccessGuard, audit: AuditLog, keyring: Keyring, patients: PatientAccess) {
        self.guardian = guardian
        self.audit = audit
        self.keyring = keyring
        self.patients = patients
    }

    /// An invoice with its lines in order, descriptions opened.
    public struct View: Sendable {
        public let invoice: Invoice
        public let lines: [OpenedLine]
    }

    public struct OpenedLine: Sendable {
        public let line: InvoiceLine
        public let description: String
    }

    /// Creates a draft. `tenantCurrency` is the tenant file's `currency`, used when the request
    /// names none.
    public func create(_ request: NewInvoice, tenantCurrency: String, in ctx: RequestContext, now: Date = Date()) async throws -> View {
        let facility = try await ctx.scope.require(Facility.self, request.facilityID, name: "Facility")
        try await guardian.authorize(ctx.principal, .invoiceManage, on: .facility(request.facilityID), origin: ctx.origin, db: ctx.db)
        let (patient, _) = try await patients.context(of: request.patientID, in: ctx.scope)
        try await checkLinks(request, in: ctx.scope)
        let currency = request.currency ?? tenantCurrency
        guard CurrencyCode.isValid(currency) else { throw AppError.invalid("currency", "must be a lowercase ISO 4217 code such as usd") }
        let totals = try Self.totals(of: request.lines)

        let cipher = try await keyring.cipher(forTenant: ctx.tenantID, on: ctx.db)
        let invoice = Invoice()
        invoice.id = TimeOrderedID.make(at: now)
        invoice.facilityID = try facility.requireID()
        invoice.patientID = try patient.requireID()
        invoice.status = .draft
        invoice.currency = currency
        invoice.subtotal = totals.subtotal
        invoice.tax = totals.tax
        invoice.total = totals.total
        invoice.amountPaid = 0
        invoice.amountRefunded = 0
        invoice.appointmentID = request.appointmentID
        invoice.admissionID = request.admissionID
        invoice.createdBy = ctx.principal.subjectID
        invoice.createdAt = now
        let lines = try Self.lines(request.lines, totals: totals, of: invoice.id!, sealedWith: cipher)
        try await ctx.scope.writeTransaction { tx in
            try await tx.create(invoice)
            for line in lines { try await tx.create(line) }
            // Amounts and counts only: line text is PHI and stays out of the trail.
            try await audit.append(
                AuditRecord(tenantID: ctx.tenantID, facilityID: invoice.facilityID, actor: ctx.principal.auditActor,
                            action: .invoiceCreated, targetType: "invoice", targetID: invoice.id!.lowercasedString,
                            details: ["patient_id": invoice.patientID.lowercasedString, "lines": String(lines.count),
                                      "total": String(invoice.total), "currency": invoice.currency]),
                origin: ctx.origin, on: tx.db)
        }
        return View(invoice: invoice, lines: zip(lines, request.lines).map { OpenedLine(line: $0, description: $1.description) })
    }

    /// One invoice with its lines (an audited PHI read).
    public func read(_ invoiceID: UUID, in ctx: RequestContext) async throws -> View {
        let invoice = try await ctx.scope.require(Invoice.self, invoiceID, name: "Invoice")
        try await authorize(.invoiceRead, on: invoice, in: ctx)
        let view = try await views(of: [invoice], in: ctx)[0]
        try await audit.appendRetrying(
            AuditRecord(tenantID: ctx.tenantID, facilityID: invoice.facilityID, actor: ctx.principal.auditActor, action: .invoiceRead,
                        targetType: "invoice", targetID: invoiceID.lowercasedString,
                        details: ["patient_id": invoice.patientID.lowercasedString]),
            origin: ctx.origin, on: ctx.db)
        return view
    }

    // MARK: - Shared rules

    /// An invoice belongs to its facility (billing and admins there) and to its patient (`self`).
    func authorize(_ action: Action, on invoice: Invoice, in ctx: RequestContext) async throws {
        let patientUserID = try await ctx.scope.find(Patient.self, invoice.patientID)?.userID
        try await guardian.authorize(
            ctx.principal, action,
            onAnyOf: [.facility(invoice.facilityID), .patient(.identity(of: invoice.patientID, userID: patientUserID))],
            origin: ctx.origin, db: ctx.db)
    }

    static func totals(of lines: [NewInvoice.Line]) throws -> InvoiceTotals {
        do {
            return try InvoiceTotals(lines.map { ($0.quantity, $0.unitAmount, $0.taxRateBps) })
        } catch {
            // Unreachable within the API's ranges (at most 2 × 10^18); refused rather than wrapped.
            throw AppError.invalid("lines", "the amounts are too large to add up")
        }
    }

    /// The rows of `lines` in order, descriptions sealed, amounts from `totals`.
    static func lines(_ lines: [NewInvoice.Line], totals: InvoiceTotals, of invoiceID: UUID,
                      sealedWith cipher: FieldCipher) throws -> [InvoiceLine] {
        try zip(lines, totals.lines).enumerated().map { position, pair -> InvoiceLine in
            let line = InvoiceLine()
            line.id = UUID()
            line.invoiceID = invoiceID
            line.position = position
            line.descriptionSealed = try cipher.seal(pair.0.description)
            line.quantity = pair.0.quantity
            line.unitAmount = pair.0.unitAmount
            line.taxRateBps = pair.0.taxRateBps
            line.amount = pair.1.amount
            line.tax = pair.1.tax
            return line
        }
    }

    /// The appointment or admission an invoice bills must be this patient's at this facility;
    /// one of another tenant reads the same as a mismatch, so nothing is revealed.
    private func checkLinks(_ request: NewInvoice, in scope: TenantScope) async throws {
        var problems: [FieldError] = []
        if let id = request.appointmentID {
            let appointment = try await scope.find(Appointment.self, id)
            if appointment?.patientID != request.patientID || appointment?.facilityID != request.facilityID {
                problems.append(FieldError(field: "appointment_id", reason: "is not an appointment of this patient at this facility"))
            }
        }
        if let id = request.admissionID {
            let admission = try await scope.find(Admission.self, id)
            if admission?.patientID != request.patientID || admission?.facilityID != request.facilityID {
                problems.append(FieldError(field: "admission_id", reason: "is not an admission of this patient at this facility"))
            }
        }
        if !problems.isEmpty { throw AppError.validation(problems) }
    }

    /// The invoices with their lines, descriptions opened, in the order given.
    func views(of invoices: [Invoice], in ctx: RequestContext) async throws -> [View] {
        guard !invoices.isEmpty else { return [] }
        let ids = invoices.compactMap(\.id)
        let lines = try await ctx.scope.query(InvoiceLine.self).filter(\.$invoiceID ~~ ids).sort(\.$position).all()
        let byInvoice = Dictionary(grouping: lines, by: \.invoiceID)
        let cipher = try await keyring.cipher(forTenant: ctx.tenantID, on: ctx.db)
        return try invoices.map { invoice in
            View(invoice: invoice, lines: try (byInvoice[invoice.id!] ?? []).map { line in
                OpenedLine(line: line, description: try cipher.open(line.descriptionSealed))
            })
        }
    }
}
