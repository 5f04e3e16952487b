import CareFlowCore
import Crypto
import Fluent
import Vapor

/// Honours `Idempotency-Key` on POSTs that create (PRODUCT §11): the first request runs and its
/// answer is kept; a retry with the same key and the same request gets that answer again
/// (`Idempotent-Replayed: true`) without a second effect; the same key with a different
/// request is a 422; a retry while the first is still running is a 409. Keys are per caller.
/// Server errors are not kept, so a retry after one runs again; neither is a first attempt that
/// never finished (its replica killed, its database lost before the record could be removed):
/// past `IdempotencyRecord.pendingLease` a retry runs again instead of hearing 409 until the
/// record expires. Both only while nothing took effect: a tenant service marks the claim in the
/// transaction that commits its effect (`CommittedEffect`), and a marked claim is never given up,
/// so an attempt that failed after its commit (the audit append or the database lost) is answered
/// 409 "took effect" instead of creating a second time. Streamed uploads (bodies not
/// collected in memory) are not covered. Answers are kept sealed, for the configured lifetime
/// (`CAREFLOW_IDEMPOTENCY_TTL`): each keyed POST first deletes the expired records, so a retry
/// after the lifetime is a new request and no answer outlives it by more than the next keyed POST.
/// A request without a key passes on the event loop, without a task.
struct IdempotencyMiddleware: Middleware {
    static let header = HTTPHeaders.Name("Idempotency-Key")

    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        guard request.method == .POST, let key = request.headers.first(name: Self.header) else { return next.respond(to: request) }
        return request.eventLoop.makeFutureWithTask { try await keyed(request, key: key, next: next) }
    }

    private func keyed(_ request: Request, key: String, next: any Responder) async throws -> Response {
        guard (1...255).contains(key.utf8.count), key.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }) else {
            throw AppError.invalid("Idempotency-Key", "must be 1-255 visible ASCII characters")
        }
        guard let principal = request.auth.get(Principal.self), let body = request.body.data ?? emptyBodyIfNone(request) else {
            return try await next.respond(to: request).get()
        }
        var hasher = SHA256()
        hasher.update(data: Data("\(request.method.rawValue) \(request.url.path)\n".utf8))
        hasher.update(data: Data(buffer: body))
        let hash = hasher.finalize().map { String(format: "%02x", $0) }.joined()
        // An indexed delete of expired rows (usually none): cheap enough to run on every keyed POST.
        try await IdempotencyRecord.purge(createdBefore: Date() - request.services.configuration.idempotencyTTL, on: request.db)
        var record = IdempotencyRecord(tenantID: principal.tenantID, subjectID: principal.subjectID, key: key, requestHash: hash)
        do {
            try await record.create(on: request.db)
        } catch let error as any DatabaseError where error.isConstraintFailure {
            guard try await IdempotencyRecord.releaseAbandoned(scope: record.scope, subjectID: principal.subjectID, key: key,
                                                               requestHash: hash, on: request.db) else {
                return try await replay(scope: record.scope, principal: principal, key: key, hash: hash, request: request)
            }
            // The first attempt died with its request (a replica killed, the database gone before
            // its record could be removed): this retry runs it. A concurrent retry that got here
            // first wins the record, and this one hears 409 as usual.
            record = IdempotencyRecord(tenantID: principal.tenantID, subjectID: principal.subjectID, key: key, requestHash: hash)
            do {
                try await record.create(on: request.db)
            } catch let error as any DatabaseError where error.isConstraintFailure {
                return try await replay(scope: record.scope, principal: principal, key: key, hash: hash, request: request)
            }
        }
        // Tenant services mark the claim in the transaction that commits their effect.
        if principal.tenantID != nil, let id = record.id { request.storage[ClaimedEffect.self] = IdempotencyRecord.effect(of: id) }
        let response: Response
        do {
            response = try await next.respond(to: request).get()
        } catch {
            if let id = record.id { try? await IdempotencyRecord.releaseUnlessEffective(id, on: request.db) }
            throw error
        }
        if response.status.code >= 500 {
            if let id = record.id { try? await IdempotencyRecord.releaseUnlessEffective(id, on: request.db) }
            return response
        }
        record.responseStatus = Int(response.status.code)
        record.responseType = response.headers.first(name: .contentType)
        let cipher = try await request.services.keyring.cipher(forTenant: principal.tenantID, on: request.db)
        record.responseSealed = try response.body.data.map { try cipher.seal($0) }
        try await record.update(on: request.db)
        return response
    }

    /// The claim of the request being answered, for `Request.context()`.
    enum ClaimedEffect: StorageKey {
        typealias Value = CommittedEffect
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
            if stored.effectCommitted {
                // In progress past its commit, or failed after it (its answer lost): never run twice.
                throw AppError.conflict("The request with this Idempotency-Key took effect; its answer is not available, "
                                        + "and it is not run again")
            }
            throw AppError.conflict("The request with this Idempotency-Key is still being processed; retry later")
        }
        var headers = HTTPHeaders()
        if let type = stored.responseType { headers.replaceOrAdd(name: .contentType, value: type) }
        headers.replaceOrAdd(name: "Idempotent-Replayed", value: "true")
        let cipher = try await request.services.keyring.cipher(forTenant: principal.tenantID, on: request.db)
        let body = try cipher.open(stored.responseSealed) ?? Data()
        return Response(status: HTTPResponseStatus(statusCode: status), headers: headers, body: .init(data: body))
    }
}
