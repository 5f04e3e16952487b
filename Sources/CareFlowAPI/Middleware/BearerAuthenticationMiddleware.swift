import CareFlowCore
import Vapor

/// Requires a valid access token whose session is live, and makes its `Principal` available.
/// Tokens of an admin who has not enrolled TOTP yet only pass where `allowEnrolmentOnly` is set.
struct BearerAuthenticationMiddleware: AsyncMiddleware {
    var allowEnrolmentOnly = false

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard let bearer = request.headers.bearerAuthorization else {
            throw AppError.unauthenticated("Send an access token as 'Authorization: Bearer <token>'")
        }
        let principal = try await request.services.auth.authenticate(bearer: bearer.token)
        if principal.enrolmentOnly && !allowEnrolmentOnly {
            try await request.services.audit.append(
                AuditRecord(tenantID: principal.tenantID, actor: principal.auditActor, action: "access.denied", outcome: .denied,
                            targetType: "route", targetID: request.route.map { $0.path.map(\.description).joined(separator: "/") },
                            details: ["reason": "mfa_enrolment_required"]),
                origin: request.origin, on: request.db)
            throw AppError.mfaEnrolmentRequired
        }
        request.auth.login(principal)
        request.logger[metadataKey: "user_id"] = .string(principal.subjectID.uuidString.lowercased())
        if let tid = principal.tenantID { request.logger[metadataKey: "tenant_id"] = .string(tid.uuidString.lowercased()) }
        return try await next.respond(to: request)
    }
}
