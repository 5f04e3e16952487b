import CareFlowCore
import Crypto
import Fluent
import Vapor

/// Honours `Idempotency-Key` on POSTs that create (PRODUCT §11): the first request runs and its
/// answer is kept; a retry with the same key and the same request gets that answer again
/// (`Idempotent-Replayed: true`) without a second effect; the same key with a different
/// request is a 422; a retry while the first is still running is a 409. Keys are per caller.
/// Server errors are not kept, so a retry after one runs again. Streamed uploads (bodies not
/// collected in memory) are not covered.
struct IdempotencyMiddleware: AsyncMiddleware {
    static let header = HTTPHeaders.Name("Idempotency-Key")

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard request.method == .POST, let key = request.headers.first(name: Self.header) else {
            return try await next.respond(to: request)
        }
        guard (1...255).contains(key.utf8.count), key.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }) else {
            throw AppError.invalid("Idempotency-Key", "must be 1-255 visible ASCII characters")
        }
        guard let principal = request.auth.get(Principal.self), let body = request.body.data ?? emptyBodyIfNone(request) else {
            return try await next.respond(to: request)
        }
        var hasher = SHA256()
        hasher.update(data: Data("\(request.method.rawValue) \(request.url.path)\n".utf8))
        hasher.update(data: Data(buffer: body))
        let hash = hasher.finalize().map { String(format: "%02x", $0) }.joined()
        let scope = principal.tenantID?.uuidString.lowercased() ?? "platform"

        let record = IdempotencyRecord(scope: scope, subjectID: principal.subjectID, key: key, requestHash: hash)
        do {
            try await record.create(on: request.db)
        } catch let error as any DatabaseError where error.isConstraintFailure {
            return try await replay(scope: scope, principal: principal, key: key, hash: hash, request: request)
        }
        let response: Response
        do {
            response = try await next.respond(to: request)
        } catch {
            try? await record.delete(on: request.db)
            throw error
        }
        if response.status.code >= 500 {
            try? await record.delete(on: request.db)
            return response
        }
        record.responseStatus = Int(response.status.code)
        record.responseType = response.headers.first(name: .contentType)
        record.responseBody = response.body.data
        try await record.update(on: request.db)
        return response
    }

    private func emptyBodyIfNone(_ request: Request) -> ByteBuffer? {
        request.headers.first(name: .contentLength) == nil || request.headers.first(name: .contentLength) == "0" ? ByteBuffer() : nil
    }

    private func replay(scope: String, principal: Principal, key: String, hash: String, request: Request) async throws -> Response {
        guard let stored = try await IdempotencyRecord.query(on: request.db)
            .filter(\.$scope == scope).filter(\.$subjectID == principal.subjectID).filter(\.$key == key).first()
        else { throw AppError.conflict("The request with this Idempotency-Key is being processed") }
        guard stored.requestHash == hash else {
            throw AppError.invalid("Idempotency-Key", "was already used for a different request")
        }
        guard let status = stored.responseStatus else {
            throw AppError.conflict("The request with this Idempotency-Key is still being processed; retry later")
        }
        var headers = HTTPHeaders()
        if let type = stored.responseType { headers.replaceOrAdd(name: .contentType, value: type) }
        headers.replaceOrAdd(name: "Idempotent-Replayed", value: "true")
        return Response(status: HTTPResponseStatus(statusCode: status), headers: headers, body: .init(data: stored.responseBody ?? Data()))
    }
}
