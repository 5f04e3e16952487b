import CareFlowCore
import Vapor

/// `GET /api/v1/audit-events`: the tenant's audit trail, newest first, a page (≤ 200) at a time.
/// `GET /api/v1/audit-events/export`: the whole trail, oldest first, as NDJSON (one event per
/// line, the list's item shape), streamed as it is read.
struct AuditController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("api", "v1", "audit-events", use: list)
        routes.get("api", "v1", "audit-events", "export", use: export)
    }

    @Sendable
    func list(req: Request) async throws -> ListResponse<AuditEventDTO> {
        let filters = try Self.filters(req)
        let page = try await req.services.auditQuery.list(
            filters, in: req.context(), page: req.pageRequest())
        return ListResponse(page, AuditEventDTO.init)
    }

    /// Authorized and audited before the first byte; then each batch of rows is encoded and
    /// written as it arrives, every write waiting for the socket (so a slow reader slows the
    /// reading of the trail instead of filling memory).
    @Sendable
    func export(req: Request) async throws -> Response {
        let filters = try Self.filters(req)
        let export = try await req.services.auditQuery.export(filters, in: req.context())
        var headers = HTTPHeaders()
        headers.contentType = Self.ndjson
        headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        let logger = req.logger
        let body = Response.Body(asyncStream: { writer in
            do {
                try await export.stream { events in
                    var buffer = ByteBufferAllocator().buffer(capacity: events.count * 600)
                    for event in events {
                        try buffer.writeBytes(Self.encoder.encode(AuditEventDTO(event)))
                        buffer.writeInteger(UInt8(ascii: "\n"))
                    }
                    try await writer.write(.buffer(buffer))
                }
                try await writer.write(.end)
            } catch {
                // The status is sent already: cutting the response short is what tells the client.
                logger.error("audit export failed", metadata: ["error_type": .string(String(reflecting: type(of: error)))])
                try? await writer.write(.error(error))
            }
        })
        return Response(status: .ok, headers: headers, body: body)
    }

    static let ndjson = HTTPMediaType(type: "application", subType: "x-ndjson")
    /// The list's JSON encoding, made once (not per row).
    static let encoder = JSONEncoder.custom(dates: .iso8601)

    static func filters(_ req: Request) throws -> AuditQuery.Filters {
        try req.validatedQuery(AuditFilterQuery.self).filters
    }
}
