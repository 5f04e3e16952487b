import CareFlowCore
import Vapor

/// A token bucket per client address on the authentication routes. Answers 429 with
/// Retry-After. In-process: each replica limits on its own, and the database-backed
/// `LoginThrottle` bounds guessing across replicas.
final class AuthRateLimitMiddleware: AsyncMiddleware, Sendable {
    private let buckets: TokenBuckets<String>

    init(requestsPerMinute: Int) {
        self.buckets = TokenBuckets(perMinute: requestsPerMinute)
    }

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if let wait = buckets.take(request.clientAddress ?? "unknown") { throw AppError.rateLimited(retryAfterSeconds: wait) }
        return try await next.respond(to: request)
    }
}
