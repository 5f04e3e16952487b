import CareFlowCore
import Vapor

/// `/api/v1/invoices`: drafts, finalizing (numbering) and voiding, reading and listing (issue 14).
/// Payments and refunds of an invoice have their own controller.
struct InvoiceController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let invoices = routes.grouped("api", "v1", "invoices")
        invoices.post(use: create)
        invoices.get(use: list)
        invoices.get(":invoiceID", use: show)
        invoices.patch(":invoiceID", use: replaceLines)
        invoices.post(":invoiceID", "finalize", use: finalize)
        invoices.post(":invoiceID", "void", use: void)
    }

    @Sendable
    func create(req: Request) async throws -> Response {
        let body = try await req.validatedBody(NewInvoiceBody.self)
        // A tenant onboarded without a file has the file's default currency.
        let tenantCurrency = req.services.tenants[try await req.currentTenantSlug()]?.currency ?? "usd"
        let view = try await req.services.invoices.create(body.invoice, tenantCurrency: tenantCurrency, in: req.context())
        return try await InvoiceDTO(view).encodeResponse(status: .created, for: req)
    }

    @Sendable
    func show(req: Request) async throws -> InvoiceDTO {
        InvoiceDTO(try await req.services.invoices.read(req.uuidParameter("invoiceID", what: "Invoice"), in: req.context()))
    }

    @Sendable
    func replaceLines(req: Request) async throws -> InvoiceDTO {
        let body = try await req.validatedBody(InvoiceLinesBody.self)
        return InvoiceDTO(try await req.services.invoices.replaceLines(
            of: req.uuidParameter("invoiceID", what: "Invoice"), with: body.lines, in: req.context()))
    }

    @Sendable
    func finalize(req: Request) async throws -> InvoiceDTO {
        InvoiceDTO(try await req.services.invoices.finalize(req.uuidParameter("invoiceID", what: "Invoice"), in: req.context()))
    }

    @Sendable
    func void(req: Request) async throws -> InvoiceDTO {
        InvoiceDTO(try await req.services.invoices.void(req.uuidParameter("invoiceID", what: "Invoice"), in: req.context()))
    }

    @Sendable
    func list(req: Request) async throws -> ListResponse<InvoiceDTO> {
        let query = try req.validatedQuery(InvoiceListQuery.self)
        return ListResponse(try await req.services.invoices.list(query.filters, page: req.pageRequest(), in: req.context()),
                            InvoiceDTO.init)
    }
}
