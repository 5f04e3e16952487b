import Foundation

/// Makes an answer take at least a fixed time, so the database work that happens only when an
/// account exists (a transaction, an email in the outbox) does not show in the response time.
/// The floor is well above that work's cost; the wait is an async sleep, no thread is held.
public struct AnswerFloor: Sendable {
    public let duration: Duration

    public init(_ duration: Duration) {
        self.duration = duration
    }

    public func run<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: duration)
        do {
            let result = try await body()
            try? await clock.sleep(until: deadline)
            return result
        } catch {
            try? await clock.sleep(until: deadline)
            throw error
        }
    }
}
