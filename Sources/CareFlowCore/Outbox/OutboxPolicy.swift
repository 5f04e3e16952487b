import Foundation

/// How hard the worker tries (PRODUCT §6): exponential backoff with jitter between attempts, a
/// dead letter after `maxAttempts`, and a lease after which a claimed message whose worker died
/// is claimed again.
public struct OutboxPolicy: Sendable {
    public var maxAttempts = 8
    public var baseDelay: TimeInterval = 2
    public var maxDelay: TimeInterval = 3600
    /// Longer than any adapter's timeouts, so a live worker never loses its claim mid-send.
    public var lease: TimeInterval = 120
    public var batchSize = 32
    /// How long an idle worker waits before looking again.
    public var idlePoll: TimeInterval = 1

    public init() {}

    /// The wait before attempt `attempts + 1`: base × 2^(attempts−1), capped, times a jitter in
    /// [0.5, 1.5) so a burst of failures does not retry in lockstep; at least what the provider
    /// asked for with Retry-After.
    public func delay(afterAttempt attempts: Int, retryAfter: Duration?, jitter: Double = Double.random(in: 0.5..<1.5)) -> TimeInterval {
        let exponential = min(maxDelay, baseDelay * pow(2, Double(max(0, attempts - 1))))
        let asked = retryAfter.map { Double($0.components.seconds) + Double($0.components.attoseconds) / 1e18 } ?? 0
        return max(asked, exponential * jitter)
    }
}
