import CareFlowCore
import NIOCore
import Vapor

/// `GET /api/v1/patients/{id}/export` (issue 16): a patient's own data as a ZIP — the patient
/// themself, or an admin acting for them. Everything is gathered, authorized and recorded
/// (`patient.exported`) before the status line; then the archive streams, each write waiting
/// for the socket, documents read a piece at a time.
struct PatientExportController: RouteCollection {
    /// An export reads every row about a patient and decrypts all their documents: a few per
    /// minute per caller is all a person needs, and keeps one account from occupying the server.
    static let exportsPerMinute = 4

    func boot(routes: any RoutesBuilder) throws {
        routes.grouped(UserRateLimitMiddleware(requestsPerMinute: Self.exportsPerMinute))
            .get("api", "v1", "patients", ":patientID", "export", use: export)
    }

    @Sendable
    func export(req: Request) async throws -> Response {
        let patientID = try req.uuidParameter("patientID", what: "Patient")
        let context = try await req.context()
        let archive = PatientArchive(export: try await req.services.patientDataExports.gather(patientID: patientID, in: context))
        var headers = ExportController.downloadHeaders(filename: archive.filename)
        headers.contentType = Self.zip
        let logger = req.logger
        let body = Response.Body(asyncStream: { writer in
            do {
                try await archive.write { bytes in try await writer.write(.buffer(ByteBuffer(bytes: bytes))) }
                try await writer.write(.end)
            } catch {
                // The status is sent already: a cut-off archive (no end record) is what tells the client.
                logger.error("patient export failed", metadata: ["error_type": .string(String(reflecting: type(of: error)))])
                try? await writer.write(.error(error))
            }
        })
        return Response(status: .ok, headers: headers, body: body)
    }

    static let zip = HTTPMediaType(type: "application", subType: "zip")
}
