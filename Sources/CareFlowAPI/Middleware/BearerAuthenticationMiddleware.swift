import CareFlowCore
import Vapor

/// Requires a valid access token whose session is live, and makes its `Principal` available.
/// Tokens of an admin who has not enrolled TOTP yet only pass where `allowEnrolmentOnly` is set.
///
/// Most requests are answered from memory (`AuthService.authenticateFromMemory`) on the event
/// loop, without starting a task; the first request of a token or of a second is checked
/// against the keys and the database in a task.
struct BearerAuthenticationMiddleware: Middleware {
    var allowEnrolmentOnly = false

    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        guard let token = Self.bearerToken(request.headers) else {
            return request.eventLoop.makeFailedFuture(AppError.unauthenticated("Send an access token as 'Authorization: Bearer <token>'"))
        }
        do {
            if let principal = try request.services.auth.authenticateFromMemory(bearer: token), !principal.enrolmentOnly || allowEnrolmentOnly {
                admit(principal, request)
                return next.respond(to: request)
            }
        } catch {
            return request.eventLoop.makeFailedFuture(error)
        }
        return request.eventLoop.makeFutureWithTask { try await authenticate(token, request) }
            .flatMap { next.respond(to: request) }
    }

    private func authenticate(_ token: String, _ request: Request) async throws {
        let principal = try await request.services.auth.authenticate(bearer: token)
        if principal.enrolmentOnly && !allowEnrolmentOnly {
            try await request.services.audit.append(
                AuditRecord(tenantID: principal.tenantID, actor: principal.auditActor, action: .accessDenied, outcome: .denied,
                            targetType: "route", targetID: request.route.map { $0.path.map(\.description).joined(separator: "/") },
                            details: ["reason": "mfa_enrolment_required"]),
                origin: request.origin, on: request.db)
            throw AppError.mfaEnrolmentRequired
        }
        admit(principal, request)
    }

    private func admit(_ principal: Principal, _ request: Request) {
        request.auth.login(principal)
        request.logger[metadataKey: "user_id"] = .string(principal.subjectID.lowercasedString)
        if let tid = principal.tenantID { request.logger[metadataKey: "tenant_id"] = .string(tid.lowercasedString) }
    }

    /// The token of `Authorization: Bearer <token>` (scheme in any case), as Vapor's
    /// `bearerAuthorization` reads it, without its string splitting and lowercasing.
    static func bearerToken(_ headers: HTTPHeaders) -> String? {
        guard let value = headers.first(name: .authorization) else { return nil }
        let bytes = value.utf8
        let scheme = "bearer".utf8
        guard bytes.count > scheme.count + 1,
              zip(bytes.prefix(scheme.count), scheme).allSatisfy({ $0 | 0x20 == $1 })
        else { return nil }
        let rest = value.utf8.dropFirst(scheme.count)
        guard rest.first == UInt8(ascii: " ") else { return nil }
        let token = rest.drop { $0 == UInt8(ascii: " ") }
        guard !token.isEmpty, !containsSpace(token) else { return nil }
        return String(Substring(token))
    }

    /// Whether the token holds a space: `memchr` over its bytes where they are contiguous (a
    /// token is ~700 of them, and the generic `contains` was 1.3 % of `/me`'s profile).
    private static func containsSpace(_ token: Substring.UTF8View) -> Bool {
        token.withContiguousStorageIfAvailable { bytes in
            bytes.baseAddress.map { memchr($0, Int32(UInt8(ascii: " ")), bytes.count) != nil } ?? false
        } ?? token.contains(UInt8(ascii: " "))
    }
}
