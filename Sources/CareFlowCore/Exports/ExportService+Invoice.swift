import FluentKit
import Foundation

extension ExportService {
    /// Statuses a receipt exists for: the invoice was paid (and may have been refunded since).
    static let receiptStatuses: Set<Invoice.Status> = [.paid, .partiallyRefunded, .refunded]

    /// One invoice as a document. `invoice.read` decides (the billing role and admins of its
    /// facility, group admins, the patient their own); the invoice PDF of the exports also needs
    /// `export.run` there. Another tenant's invoice is a 404, another facility's a 403 (audited).
    /// A receipt of an unpaid invoice, or any document of a draft (no number yet), is a 409.
    /// Recorded as a PHI read (receipt) or an export (invoice PDF).
    public func invoiceDocument(_ invoiceID: UUID, kind: InvoiceDocument.Kind, in context: RequestContext) async throws -> InvoiceDocument {
        let (scope, principal, origin) = (context.scope, context.principal, context.origin)
        let invoice = try await scope.require(Invoice.self, invoiceID, name: "Invoice")
        let patient = try await scope.find(Patient.self, invoice.patientID)
        let asStaff = AccessDecision.isAllowed(principal, .invoiceRead, on: .facility(invoice.facilityID))
        let asPatient = patient?.userID.map { AccessDecision.isAllowed(principal, .invoiceRead, on: .account($0)) } ?? false
        if !asStaff && !asPatient {
            try await guardian.authorize(principal, .invoiceRead, on: .facility(invoice.facilityID), origin: origin, db: scope.db)
        }
        if kind == .invoice {
            try await guardian.authorize(principal, .exportRun, on: .facility(invoice.facilityID), origin: origin, db: scope.db)
        }
        switch kind {
        case .receipt where !Self.receiptStatuses.contains(invoice.status):
            throw AppError.conflict("A receipt exists only for a paid invoice; this one is \(invoice.status.rawValue)")
        case .invoice where invoice.status == .draft || invoice.number == nil:
            throw AppError.conflict("A draft invoice has no document until it is finalized")
        default:
            break
        }
        // The patient's cipher: it opens the name (their key) and lines under the tenant's key alike.
        let ciphers = try await keyring.openingCiphers(forPatients: [invoice.patientID], tenantID: scope.tenantID, on: scope.db)
        let cipher = ciphers[invoice.patientID]
        let lines = try await scope.query(InvoiceLine.self).filter(\.$invoiceID == invoiceID).sort(\.$position, .ascending).all()
        let facility = try await scope.find(Facility.self, invoice.facilityID)
        // The invoice is an accounting record and stays; the erased patient's name does not.
        let patientName = ciphers.erased.contains(invoice.patientID) ? PatientCiphers.erasedName
            : try patient.map { try cipher.open($0.givenNameSealed) + " " + cipher.open($0.familyNameSealed) } ?? ""
        let document = InvoiceDocument(
            kind: kind, invoiceID: invoiceID, number: invoice.number ?? "", status: invoice.status,
            facilityName: facility?.name ?? "", patientName: patientName, currency: invoice.currency,
            issuedAt: invoice.issuedAt, paidAt: invoice.paidAt,
            lines: try lines.map {
                InvoiceDocument.Line(description: try cipher.open($0.descriptionSealed), quantity: $0.quantity, unitAmount: $0.unitAmount,
                                     taxRateBps: $0.taxRateBps, amount: $0.amount, tax: $0.tax)
            },
            subtotal: invoice.subtotal, tax: invoice.tax, total: invoice.total, amountPaid: invoice.amountPaid,
            amountRefunded: invoice.amountRefunded)
        switch kind {
        case .receipt:
            try await audit.append(
                AuditRecord(tenantID: scope.tenantID, facilityID: invoice.facilityID, actor: principal.auditActor, action: .phiRead,
                            targetType: "invoice", targetID: invoiceID.lowercasedString,
                            details: ["what": "invoice_receipt", "patient_id": invoice.patientID.lowercasedString]),
                origin: origin, on: scope.db)
        case .invoice:
            var details = ExportAudit.details(.invoices, ["invoice_id": invoiceID.lowercasedString])
            details["format"] = "pdf"
            details["row_count"] = String(lines.count)
            details["patient_id"] = invoice.patientID.lowercasedString
            try await audit.append(
                AuditRecord(tenantID: scope.tenantID, facilityID: invoice.facilityID, actor: principal.auditActor,
                            action: .exportCompleted, targetType: "invoice", targetID: invoiceID.lowercasedString, details: details),
                origin: origin, on: scope.db)
        }
        return document
    }
}
