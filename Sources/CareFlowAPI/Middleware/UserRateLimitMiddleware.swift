import CareFlowCore
import Vapor

/// A token bucket per authenticated user (the prediction routes): 429 with Retry-After when a
/// user's bucket is empty. Runs after authentication, so the key is the caller, not the address.
final class UserRateLimitMiddleware: AsyncMiddleware, Sendable {
    private let buckets: TokenBuckets

    init(requestsPerMinute: Int) {
        self.buckets = TokenBuckets(perMinute: requestsPerMinute)
    }

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if let wait = buckets.take(try request.principal().subjectID.uuidString) { throw AppError.rateLimited(retryAfterSeconds: wait) }
        return try await next.respond(to: request)
    }
}
