import CareFlowCore
import Vapor

/// A token bucket per authenticated user (the prediction routes): 429 with Retry-After when a
/// user's bucket is empty. Runs after authentication, so the key is the caller, not the address.
final class UserRateLimitMiddleware: Middleware, Sendable {
    /// Keyed by the account's id itself: formatting it as text cost a `sprintf` per request.
    private let buckets: TokenBuckets<UUID>

    init(requestsPerMinute: Int) {
        self.buckets = TokenBuckets(perMinute: requestsPerMinute)
    }

    /// Decided in memory on the event loop: no task per request.
    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        do {
            if let wait = buckets.take(try request.principal().subjectID) { throw AppError.rateLimited(retryAfterSeconds: wait) }
        } catch {
            return request.eventLoop.makeFailedFuture(error)
        }
        return next.respond(to: request)
    }
}
