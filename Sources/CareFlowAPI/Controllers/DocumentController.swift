import CareFlowCore
import Vapor

/// `/api/v1/patients/{patientID}/documents`: uploads (multipart/form-data with `kind` and
/// `file`), metadata, decrypted downloads and soft deletion.
struct DocumentController: RouteCollection {
    /// Room for the multipart framing and the small fields around the file.
    static let formOverhead = 64 * 1024

    func boot(routes: any RoutesBuilder) throws {
        let documents = routes.grouped("api", "v1", "patients", ":patientID", "documents")
        // Streamed, not collected: the file is type-checked and encrypted as it arrives, so the
        // global body limit does not apply and the document limit is enforced here.
        documents.on(.POST, body: .stream, use: upload)
        documents.get(use: list)
        documents.get(":documentID", "content", use: content)
        documents.delete(":documentID", use: delete)
    }

    @Sendable
    func upload(req: Request) async throws -> Response {
        let patientID = try req.uuidParameter("patientID", what: "Patient")
        guard let type = req.headers.contentType, type.type == "multipart", type.subType == "form-data",
              let boundary = type.parameters["boundary"], (1...70).contains(boundary.count)
        else { throw AppError.unsupportedMediaType("Send the document as multipart/form-data with the fields kind and file") }
        let documents = req.services.documents
        let limit = documents.maxSize + Self.formOverhead
        if let declared = req.headers.first(name: .contentLength).flatMap(Int.init), declared > limit {
            throw AppError.payloadTooLarge
        }
        let ctx = try req.context()
        let upload = try await documents.beginUpload(patientID: patientID, in: ctx)
        do {
            let form = try await DocumentForm.read(req.body, boundary: boundary, into: upload, limit: limit)
            var fields = FieldReader(form.fields)
            let body = DocumentUploadFields(fields: &fields)
            if !form.hasFile { fields.fail("file", "is required") }
            try fields.finish()
            // `finish` threw if a required field was missing; this only keeps the compiler honest.
            guard let body else { throw AppError.validation(fields.errors) }
            let entry = try await documents.complete(upload, kind: body.kind, filename: form.filename,
                                                     sharedWithPatient: body.sharedWithPatient, in: ctx)
            return try await DocumentDTO(entry).encodeResponse(status: .created, for: req)
        } catch {
            await upload.discard()
            throw error
        }
    }

    @Sendable
    func list(req: Request) async throws -> ListResponse<DocumentDTO> {
        let page = try await req.services.documents.list(
            patientID: req.uuidParameter("patientID", what: "Patient"), in: req.context(), page: req.pageRequest())
        return ListResponse(page, DocumentDTO.init)
    }

    /// The decrypted content, streamed: a few 64 KiB segments in memory at a time, read on the
    /// thread pool; each write waits until the socket took the previous one (back-pressure).
    @Sendable
    func content(req: Request) async throws -> Response {
        let (entry, content) = try await req.services.documents.content(
            documentID: req.uuidParameter("documentID", what: "Document"), patientID: req.uuidParameter("patientID", what: "Patient"),
            in: req.context())
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: content.contentType.mediaType)
        headers.replaceOrAdd(name: .contentDisposition, value: Self.attachment(
            filename: entry.content, fallback: "document-\(content.documentID.lowercasedString).\(content.contentType.fileExtension)"))
        headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        let logger = req.logger
        let body = Response.Body(asyncStream: { writer in
            do {
                try await content.stream { bytes in try await writer.write(.buffer(ByteBuffer(bytes: bytes))) }
                try await writer.write(.end)
            } catch {
                // Headers are gone already: all that is left is to cut the response short.
                logger.error("document download failed", metadata: [
                    "document_id": .string(content.documentID.lowercasedString), "error": .string(String(describing: error))])
                try? await writer.write(.error(error))
            }
        }, count: Int(content.size))
        return Response(status: .ok, headers: headers, body: body)
    }

    @Sendable
    func delete(req: Request) async throws -> Response {
        try await req.services.documents.delete(
            documentID: req.uuidParameter("documentID", what: "Document"), patientID: req.uuidParameter("patientID", what: "Patient"),
            in: req.context())
        return Response(status: .noContent)
    }

    /// `attachment` with an ASCII fallback name and the exact name in RFC 8187 form.
    static func attachment(filename: String?, fallback: String) -> String {
        let name = filename ?? fallback
        let ascii = String(name.unicodeScalars.map { scalar -> Character in
            (0x20..<0x7F).contains(scalar.value) && scalar != "\"" && scalar != "\\" ? Character(scalar) : "_"
        })
        var allowed = CharacterSet.alphanumerics.intersection(CharacterSet(charactersIn: Unicode.Scalar(0)..<Unicode.Scalar(0x80)))
        allowed.insert(charactersIn: "!#$&+-.^_`|~")
        let encoded = name.addingPercentEncoding(withAllowedCharacters: allowed) ?? ascii
        return "attachment; filename=\"\(ascii)\"; filename*=UTF-8''\(encoded)"
    }
}
