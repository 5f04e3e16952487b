import CareFlowCore

extension AppServices {
    /// Invoice payments and refunds (issue 14). Stateless over the shared services, so it is
    /// built on use rather than stored.
    var invoicePayments: InvoicePaymentService {
        InvoicePaymentService(guardian: guardian, audit: audit, gateways: integrations)
    }

    /// `careflow payments simulate`, for tenants on the console payments adapter.
    var invoicePaymentSimulator: InvoicePaymentSimulator {
        InvoicePaymentSimulator(audit: audit, gateways: integrations, webhooks: webhooks)
    }
}
