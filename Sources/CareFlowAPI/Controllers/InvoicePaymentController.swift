import CareFlowCore
import Vapor

/// Paying and refunding invoices (issue 14): the payer starts a payment with the tenant's
/// payments adapter; billing refunds. The invoice moves when the provider's webhook arrives.
struct InvoicePaymentController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let invoices = routes.grouped("api", "v1", "invoices")
        invoices.post(":invoiceID", "payment", use: pay)
        invoices.post(":invoiceID", "refund", use: refund)
    }

    @Sendable
    func pay(req: Request) async throws -> InvoicePaymentDTO {
        let body = try await req.validatedBody(InvoicePaymentBody.self)
        let started = try await req.services.invoicePayments.startPayment(
            invoiceID: req.uuidParameter("invoiceID", what: "Invoice"), mode: body.mode, successURL: body.successURL,
            cancelURL: body.cancelURL, in: req.context())
        return InvoicePaymentDTO(started)
    }

    @Sendable
    func refund(req: Request) async throws -> InvoiceRefundDTO {
        // `{"amount"?}`: a request without a body refunds everything left.
        let object = Self.hasNoBody(req) ? [:] : try await req.jsonObject()
        let body = try InvoiceRefundBody.read(object)
        let refunded = try await req.services.invoicePayments.refund(
            invoiceID: req.uuidParameter("invoiceID", what: "Invoice"), amount: body.amount, in: req.context())
        return InvoiceRefundDTO(refunded)
    }

    private static func hasNoBody(_ req: Request) -> Bool {
        req.headers.contentType == nil && (req.body.data?.readableBytes ?? 0) == 0
    }
}
