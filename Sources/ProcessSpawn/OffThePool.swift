import Foundation

/// Runs blocking work (a child process waited for, a pipe read to its end) on a thread of its own.
///
/// On Swift's cooperative pool it would hold one of the few threads that the async work of every
/// test in the process shares: two on a 2-core machine. The contract fuzzing and the browser
/// suite each wait minutes for their child; run as two cases at once, they held both threads, and
/// every other suite stalled meanwhile (HTTP deadlines, a 300-ms sleep taking over a minute).
public func offThePool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread { continuation.resume(with: Result { try work() }) }
    }
}
