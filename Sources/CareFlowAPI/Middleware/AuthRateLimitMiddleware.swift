import CareFlowCore
import Synchronization
import Vapor

/// A token bucket per client address on the authentication routes: bursts up to the
/// per-minute limit, refilled continuously. Answers 429 with Retry-After. In-process: each
/// replica limits on its own, and the database-backed `LoginThrottle` bounds guessing across
/// replicas.
final class AuthRateLimitMiddleware: AsyncMiddleware, Sendable {
    private struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    private let perMinute: Double
    private let buckets = Mutex<[String: Bucket]>([:])

    init(requestsPerMinute: Int) {
        self.perMinute = Double(max(1, requestsPerMinute))
    }

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let key = request.clientAddress ?? "unknown"
        let now = ContinuousClock.now
        let wait: Double? = buckets.withLock { buckets in
            if buckets.count > 100_000 { buckets.removeAll(keepingCapacity: true) }  // bound memory under address spraying
            var bucket = buckets[key] ?? Bucket(tokens: perMinute, updated: now)
            let elapsed = Double((now - bucket.updated).components.seconds) + Double((now - bucket.updated).components.attoseconds) / 1e18
            bucket.tokens = min(perMinute, bucket.tokens + elapsed * perMinute / 60)
            bucket.updated = now
            defer { buckets[key] = bucket }
            if bucket.tokens >= 1 {
                bucket.tokens -= 1
                return nil
            }
            return (1 - bucket.tokens) * 60 / perMinute
        }
        if let wait { throw AppError.rateLimited(retryAfterSeconds: max(1, Int(wait.rounded(.up)))) }
        return try await next.respond(to: request)
    }
}
