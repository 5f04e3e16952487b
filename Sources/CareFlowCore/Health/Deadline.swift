import Foundation
import Synchronization

/// Waits for an operation at most `seconds`. Health checks use it because the database driver's
/// futures ignore task cancellation: a pool that cannot connect makes a caller wait its whole
/// acquisition timeout (30 s), far longer than a load balancer's probe. The operation itself is
/// not stopped; it ends on its own (or in the pool's timeout) and its result is dropped.
public enum Deadline {
    public struct Exceeded: Error, Sendable, CustomStringConvertible {
        public let seconds: Double
        public var description: String { "no answer within \(seconds) s" }
    }

    public static func run<T: Sendable>(seconds: Double, _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
        let outcome = FirstOutcome<T>()
        return try await withCheckedThrowingContinuation { continuation in
            outcome.arm(continuation)
            let timer = Task {
                try? await Task.sleep(for: .seconds(seconds))
                if !Task.isCancelled { outcome.finish(.failure(Exceeded(seconds: seconds))) }
            }
            Task {
                do {
                    outcome.finish(.success(try await operation()))
                } catch {
                    outcome.finish(.failure(error))
                }
                timer.cancel()
            }
        }
    }
}

/// Resumes the continuation with whichever result comes first; later ones are dropped.
private final class FirstOutcome<T: Sendable>: Sendable {
    private let continuation = Mutex<CheckedContinuation<T, any Error>?>(nil)

    func arm(_ c: CheckedContinuation<T, any Error>) {
        continuation.withLock { $0 = c }
    }

    func finish(_ result: Result<T, any Error>) {
        continuation.withLock { current -> CheckedContinuation<T, any Error>? in
            defer { current = nil }
            return current
        }?.resume(with: result)
    }
}
