import CareFlowCore
import NIOCore
import Vapor

/// Exports (issue 14): `GET /api/v1/exports/{patients|appointments|invoices|admissions}.csv`
/// with the lists' filters, streamed; `GET /api/v1/exports/invoices/{id}.pdf`, one invoice as a
/// PDF; `GET /api/v1/invoices/{id}/receipt.pdf`, the receipt of a paid invoice.
struct ExportController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let v1 = routes.grouped("api", "v1")
        v1.get("exports", "patients.csv", use: patients)
        v1.get("exports", "appointments.csv", use: appointments)
        v1.get("exports", "invoices.csv", use: invoices)
        v1.get("exports", "admissions.csv", use: admissions)
        v1.get("exports", "analytics.csv", use: analyticsCSV)
        v1.get("exports", "analytics.pdf", use: analyticsPDF)
        v1.get("exports", "invoices", ":invoiceFile", use: invoicePDF)
        v1.get("invoices", ":invoiceID", "receipt.pdf", use: receipt)
    }

    @Sendable
    func patients(req: Request) async throws -> Response {
        try await Self.stream(req.services.exports.patients(PatientController.query(from: req), in: req.context()), req)
    }

    @Sendable
    func appointments(req: Request) async throws -> Response {
        let query = try req.validatedQuery(AppointmentExportQuery.self)
        return try await Self.stream(req.services.exports.appointments(query.filters, in: req.context()), req)
    }

    @Sendable
    func invoices(req: Request) async throws -> Response {
        let query = try req.validatedQuery(InvoiceListQuery.self)
        return try await Self.stream(req.services.exports.invoices(query.filters, in: req.context()), req)
    }

    @Sendable
    func admissions(req: Request) async throws -> Response {
        let query = try req.validatedQuery(AdmissionListQuery.self)
        return try await Self.stream(req.services.exports.admissions(query.filters, in: req.context()), req)
    }

    /// One metric's series, small and bounded (the analytics service caps the buckets): written
    /// whole, after the export is recorded.
    @Sendable
    func analyticsCSV(req: Request) async throws -> Response {
        let query = try req.validatedQuery(AnalyticsExportQuery.self)
        let export = try await req.services.exports.analytics(query.metric, filter: query.filter, format: "csv", in: req.context())
        var headers = Self.downloadHeaders(filename: "analytics-\(query.metric.rawValue).csv")
        headers.contentType = Self.csv
        return Response(status: .ok, headers: headers, body: .init(string: export.csv))
    }

    @Sendable
    func analyticsPDF(req: Request) async throws -> Response {
        let query = try req.validatedQuery(AnalyticsExportQuery.self)
        let export = try await req.services.exports.analytics(query.metric, filter: query.filter, format: "pdf", in: req.context())
        var facilityName: String?
        if let facilityID = query.filter.facilityID {
            facilityName = try await req.context().scope.find(Facility.self, facilityID)?.name
        }
        return try Self.pdf(AnalyticsPDF.render(export, facilityName: facilityName), filename: "analytics-\(query.metric.rawValue).pdf")
    }

    /// `{id}.pdf`: the file name carries the id, so it is checked here as a path id would be.
    @Sendable
    func invoicePDF(req: Request) async throws -> Response {
        let file = req.parameters.get("invoiceFile") ?? ""
        guard file.hasSuffix(".pdf"), let id = UUID(uuidString: String(file.dropLast(4))) else {
            throw AppError.notFound("Invoice not found")
        }
        let document = try await req.services.exports.invoiceDocument(id, kind: .invoice, in: req.context())
        return try Self.pdf(InvoicePDF.render(document), filename: "invoice-\(document.number).pdf")
    }

    @Sendable
    func receipt(req: Request) async throws -> Response {
        let id = try req.uuidParameter("invoiceID", what: "Invoice")
        let document = try await req.services.exports.invoiceDocument(id, kind: .receipt, in: req.context())
        return try Self.pdf(InvoicePDF.render(document), filename: "receipt-\(document.number).pdf")
    }

    // MARK: - Responses

    static let csv = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])

    /// Authorized and `export.started` recorded before the status line; then each page is
    /// written as it is read, every write waiting for the socket, so a slow reader slows the
    /// reading instead of filling memory. The export records its own end (`export.completed`
    /// with the row count, or a failure when the stream is cut).
    static func stream(_ export: CSVExport, _ req: Request) -> Response {
        var headers = downloadHeaders(filename: export.filename)
        headers.contentType = csv
        let logger = req.logger
        let body = Response.Body(asyncStream: { writer in
            do {
                try await export.stream { chunk in
                    try await writer.write(.buffer(ByteBuffer(string: chunk)))
                }
                try await writer.write(.end)
            } catch {
                // The status is sent already: cutting the response short is what tells the client.
                logger.error("export failed", metadata: ["dataset": .string(export.dataset.rawValue),
                                                         "error_type": .string(String(reflecting: type(of: error)))])
                try? await writer.write(.error(error))
            }
        })
        return Response(status: .ok, headers: headers, body: body)
    }

    static func pdf(_ bytes: [UInt8], filename: String) -> Response {
        var headers = downloadHeaders(filename: filename)
        headers.contentType = .pdf
        return Response(status: .ok, headers: headers, body: .init(buffer: ByteBuffer(bytes: bytes)))
    }

    /// The file name is built from server values only (dataset names, invoice numbers), never
    /// from request text, so it needs no escaping beyond the quotes.
    static func downloadHeaders(filename: String) -> HTTPHeaders {
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(filename)\"")
        headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        return headers
    }
}
