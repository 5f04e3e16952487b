import Foundation
import Synchronization

/// How long one writer may hold a tenant's audit chain: a batch write, or an append inside a
/// caller's transaction.
///
/// Every audited request of a tenant queues behind the chain's holder. When PostgreSQL is
/// stopped under load, a statement on a connection the server is closing can stay unanswered
/// for good (seen with the local cluster's chaos test, `ClusterChaosTests`): without a bound,
/// that one hung write kept every later audited request of the tenant waiting for ever, long
/// after the database was back. Past the bound the waiters get a 503 (`unavailable`) and the
/// chain moves on; the abandoned write is left to fail or finish on its own, which is safe: it
/// runs in its own transaction under the chain's advisory lock, and the unique (chain, seq)
/// index turns any overlap into a retry, never a fork. A healthy batch takes milliseconds; 25 s
/// is below the clients' and the proxy's patience (30 s, 60 s), so they see the 503.
public enum AuditChainHold {
    /// The default; `CAREFLOW_AUDIT_WRITE_LIMIT` (seconds) sets it per deployment. The test suite,
    /// which loads two cores with hundreds of apps at once, allows minutes.
    public static let limit: Duration = .seconds(25)

    static let expired = AppError.unavailable("The audit trail could not be written in time; retry shortly")

    /// `body`'s result, or `expired` once `limit` has passed without one.
    static func bounded<T: Sendable>(limit: Duration = limit, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let outcome = Outcome<T>()
        return try await withCheckedThrowingContinuation { continuation in
            outcome.wait(continuation)
            let work = Task { outcome.finish(await Result(catching: body)) }
            Task {
                try? await Task.sleep(for: limit)
                if outcome.finish(.failure(expired)) { work.cancel() }
            }
        }
    }

    /// Resumes the continuation once, with whichever result comes first.
    private final class Outcome<T: Sendable>: Sendable {
        private let state = Mutex<(continuation: CheckedContinuation<T, any Error>?, done: Bool)>((nil, false))

        func wait(_ continuation: CheckedContinuation<T, any Error>) {
            state.withLock { $0.continuation = continuation }
        }

        @discardableResult
        func finish(_ result: Result<T, any Error>) -> Bool {
            let continuation: CheckedContinuation<T, any Error>? = state.withLock { state in
                guard !state.done else { return nil }
                state.done = true
                let waiting = state.continuation
                state.continuation = nil
                return waiting
            }
            continuation?.resume(with: result)
            return continuation != nil
        }
    }
}

extension Result where Failure == any Error {
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}
