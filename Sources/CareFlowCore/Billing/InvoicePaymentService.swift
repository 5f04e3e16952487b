import FluentKit
import Foundation

/// Paying and refunding invoices through the tenant's payments adapter (issue 14).
///
/// Starting a payment (`invoice.pay`: the patient for their own invoice, billing at the
/// facility) asks the adapter for a PaymentIntent or a hosted checkout for what is still due;
/// the webhooks (`InvoiceSettlement`) then move the invoice. Refunding (`invoice.manage`) asks
/// the adapter to give money back and records the refund. Provider calls are made outside any
/// database transaction (a slow provider holds no lock and no connection); each carries an
/// idempotency key derived from the invoice, so a repeated call gets the first answer instead
/// of a second charge or refund.
public struct InvoicePaymentService: Sendable {
    let guardian: AccessGuard
    let audit: AuditLog
    let gateways: any TenantPaymentGateways

    public init(guardian: AccessGuard, audit: AuditLog, gateways: any TenantPaymentGateways) {
        self.guardian = guardian
        self.audit = audit
        self.gateways = gateways
    }

    public enum Mode: String, Sendable, CaseIterable {
        /// A PaymentIntent whose client secret the payer's app confirms.
        case paymentIntent = "payment_intent"
        /// A hosted checkout page the payer is sent to.
        case checkout
    }

    /// What the payer needs to pay.
    public struct Started: Sendable {
        public let invoice: Invoice
        public let mode: Mode
        public let amount: Int
        public let currency: String
        public let paymentIntentID: String?
        /// Only for the payer's browser or app; never logged or stored.
        public let clientSecret: ResolvedSecret?
        public let checkoutSessionID: String?
        public let url: String?
    }

    public struct Refunded: Sendable {
        public let invoice: Invoice
        public let refund: InvoiceRefund
    }

    // MARK: Paying

    /// - Throws: 404 for an invoice of another tenant, 403 (audited) for a caller who may not
    ///   pay it, 409 unless it is `open` with money due, 422 for checkout URLs, 503 when the
    ///   provider could not be reached (worth retrying), 502 when it refused.
    public func startPayment(invoiceID: UUID, mode: Mode, successURL: String?, cancelURL: String?,
                             in ctx: RequestContext) async throws -> Started {
        let invoice = try await ctx.scope.require(Invoice.self, invoiceID, name: "Invoice")
        try await authorize(ctx, .invoicePay, invoice)
        guard invoice.status == .open else { throw AppError.conflict("Only an open invoice can be paid (this one is \(invoice.status.rawValue))") }
        let due = invoice.total - invoice.amountPaid
        guard due > 0 else { throw AppError.conflict("Nothing is due on this invoice") }
        let payments = try await gateway(for: ctx.tenantID)
        let metadata = try await metadata(for: invoice, in: ctx.scope)
        // Derived from the invoice and what is due: the same request again (a double click, a
        // client retry) is answered with the same intent or session by the provider.
        let key = "careflow-invoice-\(invoiceID.lowercasedString)-\(mode.rawValue)-\(due)"
        let description = "Invoice \(invoice.number ?? invoiceID.lowercasedString)"
        var started: Started
        do {
            switch mode {
            case .paymentIntent:
                let intent = try await Self.calling(payments.adapter) {
                    try await payments.gateway.createPaymentIntent(
                        PaymentRequest(amount: due, currency: invoice.currency, description: description, metadata: metadata),
                        idempotencyKey: key)
                }
                started = Started(invoice: invoice, mode: mode, amount: due, currency: invoice.currency, paymentIntentID: intent.id,
                                  clientSecret: intent.clientSecret, checkoutSessionID: nil, url: nil)
            case .checkout:
                guard let successURL, let cancelURL else {
                    throw AppError.validation([successURL == nil ? FieldError(field: "success_url", reason: "is required for checkout") : nil,
                                               cancelURL == nil ? FieldError(field: "cancel_url", reason: "is required for checkout") : nil]
                        .compactMap { $0 })
                }
                let session = try await Self.calling(payments.adapter) {
                    try await payments.gateway.createCheckoutSession(
                        CheckoutRequest(lineItems: [.init(name: description, unitAmount: due, currency: invoice.currency)],
                                        successURL: successURL, cancelURL: cancelURL, metadata: metadata),
                        idempotencyKey: key)
                }
                started = Started(invoice: invoice, mode: mode, amount: due, currency: invoice.currency, paymentIntentID: session.paymentIntentID,
                                  clientSecret: nil, checkoutSessionID: session.id, url: session.url)
            }
        } catch let error as AppError where error.status >= 500 {
            // The provider's refusal or silence is part of the invoice's story too.
            try await audit.append(
                AuditRecord(tenantID: ctx.tenantID, facilityID: invoice.facilityID, actor: ctx.principal.auditActor,
                            action: .invoicePaymentStart, outcome: .failure, targetType: "invoice", targetID: invoiceID.lowercasedString,
                            details: ["mode": mode.rawValue, "provider": payments.adapter, "status": String(error.status)]),
                origin: ctx.origin, on: ctx.db)
            throw error
        }
        let audit = self.audit
        let result = started
        let saved = try await ctx.scope.transaction { tx -> Invoice in
            // Read again: a webhook may have settled the invoice while the provider answered.
            let current = try await tx.require(Invoice.self, invoiceID, name: "Invoice")
            guard current.status == .open else { return current }
            current.paymentProvider = payments.adapter
            if let intent = result.paymentIntentID { current.providerPaymentID = intent }
            if let session = result.checkoutSessionID { current.checkoutSessionID = session }
            try await tx.update(current)
            var details = ["mode": mode.rawValue, "amount": String(due), "currency": current.currency, "provider": payments.adapter]
            if let intent = result.paymentIntentID { details["provider_payment_id"] = intent }
            if let session = result.checkoutSessionID { details["checkout_session_id"] = session }
            try await audit.append(
                AuditRecord(tenantID: ctx.tenantID, facilityID: current.facilityID, actor: ctx.principal.auditActor, action: .invoicePaymentStart,
                            targetType: "invoice", targetID: invoiceID.lowercasedString, details: details),
                origin: ctx.origin, on: tx.db)
            return current
        }
        started = Started(invoice: saved, mode: result.mode, amount: result.amount, currency: result.currency,
                          paymentIntentID: result.paymentIntentID, clientSecret: result.clientSecret,
                          checkoutSessionID: result.checkoutSessionID, url: result.url)
        return started
    }

    // MARK: Refunding

    /// Refunds `amount` (default: everything paid and not yet refunded or being refunded).
    /// - Throws: 404 / 403 as for paying; 409 unless the invoice is `paid` or
    ///   `partially_refunded` through a provider; 422 naming `amount` when it is out of range;
    ///   503 / 502 for the provider.
    public func refund(invoiceID: UUID, amount: Int?, at now: Date = Date(), in ctx: RequestContext) async throws -> Refunded {
        let invoice = try await ctx.scope.require(Invoice.self, invoiceID, name: "Invoice")
        try await guardian.authorize(ctx.principal, .invoiceManage, on: .facility(invoice.facilityID), origin: ctx.origin, db: ctx.db)
        guard invoice.status == .paid || invoice.status == .partiallyRefunded else {
            throw AppError.conflict("Only a paid invoice can be refunded (this one is \(invoice.status.rawValue))")
        }
        guard let paymentID = invoice.providerPaymentID, let provider = invoice.paymentProvider else {
            throw AppError.conflict("This invoice was not paid through a payments adapter")
        }
        let rows = try await InvoiceRefunds.rows(of: invoice, on: ctx.db)
        let pending = rows.filter { $0.status == "pending" }.reduce(0) { $0 + $1.amount }
        let available = invoice.amountPaid - invoice.amountRefunded - pending
        guard available > 0 else { throw AppError.conflict("Everything paid has been refunded or is being refunded") }
        let amount = amount ?? available
        guard (1...available).contains(amount) else { throw AppError.invalid("amount", "must be between 1 and \(available)") }
        let payments = try await gateway(for: ctx.tenantID)
        guard payments.adapter == provider else {
            throw AppError.conflict("The invoice was paid through \(provider), but the tenant now uses \(payments.adapter)")
        }
        // The n-th refund of this invoice: a retried request for it gets the provider's first answer.
        let key = "careflow-invoice-\(invoiceID.lowercasedString)-refund-\(rows.count + 1)"
        let metadata = try await metadata(for: invoice, in: ctx.scope)
        let refund = try await Self.calling(payments.adapter) {
            try await payments.gateway.createRefund(RefundRequest(paymentIntentID: paymentID, amount: amount, metadata: metadata),
                                                    idempotencyKey: key)
        }
        let audit = self.audit
        let write = { @Sendable () async throws -> Refunded in
            try await ctx.scope.transaction { tx -> Refunded in
                let current = try await tx.require(Invoice.self, invoiceID, name: "Invoice")
                let row = try await InvoiceRefunds.record(providerRefundID: refund.id, amount: refund.amount, status: refund.status,
                                                          requestedBy: ctx.principal.subjectID, for: current, at: now, on: tx.db)
                try await InvoiceRefunds.settle(current, on: tx.db)
                try await audit.append(
                    AuditRecord(tenantID: ctx.tenantID, facilityID: current.facilityID, actor: ctx.principal.auditActor, action: .invoiceRefund,
                                targetType: "invoice", targetID: invoiceID.lowercasedString,
                                details: ["amount": String(refund.amount), "currency": current.currency, "refund_status": row.status,
                                          "provider_refund_id": refund.id, "status": current.status.rawValue]),
                    origin: ctx.origin, on: tx.db)
                return Refunded(invoice: current, refund: row)
            }
        }
        do {
            return try await write()
        } catch let error as any DatabaseError where error.isConstraintFailure {
            // The refund's webhook recorded it in the meantime: record against that row.
            return try await write()
        }
    }

    // MARK: Shared

    /// The invoice's patient may pay it (`self`); billing at the invoice's facility and
    /// tenant-wide roles by the policy table. A denial is audited.
    private func authorize(_ ctx: RequestContext, _ action: Action, _ invoice: Invoice) async throws {
        let patient = try await ctx.scope.find(Patient.self, invoice.patientID)
        let context = PatientContext(patientID: invoice.patientID, userID: patient?.userID, homeFacilityID: invoice.facilityID,
                                     doctorIDs: [], visitFacilityIDs: [])
        try await guardian.authorize(ctx.principal, action, on: .patient(context), origin: ctx.origin, db: ctx.db)
    }

    private func gateway(for tenantID: UUID) async throws -> TenantPaymentGateway {
        let payments = try await gateways.payments(forTenant: tenantID)
        guard payments.adapter != "none" else { throw AppError.conflict("Payments are switched off for this tenant") }
        return payments
    }

    /// Our references for the provider and its webhooks; no PHI.
    private func metadata(for invoice: Invoice, in scope: TenantScope) async throws -> [String: String] {
        var metadata = ["invoice_id": try invoice.requireID().lowercasedString]
        if let tenant = try await Tenant.find(scope.tenantID, on: scope.db) { metadata["tenant"] = tenant.slug }
        if let number = invoice.number { metadata["invoice_number"] = number }
        return metadata
    }

    /// A provider failure as a problem: 503 when it could not be reached or asked us to wait
    /// (worth retrying), 502 when it refused the request or the tenant's settings.
    static func calling<T: Sendable>(_ adapter: String, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as IntegrationError {
            if error.kind == .retryable { throw AppError.unavailable("The payment provider (\(adapter)) did not answer; try again later") }
            let code = error.providerCode.map { " (\($0.prefix(64)))" } ?? ""
            throw AppError.badGateway("The payment provider (\(adapter)) refused the request\(code)")
        }
    }
}
