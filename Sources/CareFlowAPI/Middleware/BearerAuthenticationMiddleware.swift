import CareFlowCore
import Vapor

/// Requires a valid access token whose session is live, and makes its `Principal` available.
struct BearerAuthenticationMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard let bearer = request.headers.bearerAuthorization else {
            throw AppError.unauthenticated("Send an access token as 'Authorization: Bearer <token>'")
        }
        let principal = try await request.services.auth.authenticate(bearer: bearer.token)
        request.auth.login(principal)
        request.logger[metadataKey: "user_id"] = .string(principal.subjectID.uuidString.lowercased())
        if let tid = principal.tenantID { request.logger[metadataKey: "tenant_id"] = .string(tid.uuidString.lowercased()) }
        return try await next.respond(to: request)
    }
}
