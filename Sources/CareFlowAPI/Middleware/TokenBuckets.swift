import Synchronization

/// Token buckets by key: bursts up to the per-minute limit, refilled continuously. In-process:
/// each replica limits on its own.
final class TokenBuckets<Key: Hashable & Sendable>: Sendable {
    private struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    private let perMinute: Double
    private let buckets = Mutex<[Key: Bucket]>([:])

    init(perMinute: Int) {
        self.perMinute = Double(max(1, perMinute))
    }

    /// Takes a token for `key`; nil when one was free, otherwise the seconds until one is.
    func take(_ key: Key) -> Int? {
        let now = ContinuousClock.now
        let wait: Double? = buckets.withLock { buckets in
            if buckets.count > 100_000 { buckets.removeAll(keepingCapacity: true) }  // bound memory under key spraying
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
        return wait.map { max(1, Int($0.rounded(.up))) }
    }
}
