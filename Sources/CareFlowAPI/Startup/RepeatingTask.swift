import Synchronization

/// Work a lifecycle handler repeats inside `serve`: `body` every `period` from `start` until
/// `stop`, which waits for a run in progress to end.
final class RepeatingTask: Sendable {
    private let task = Mutex<Task<Void, Never>?>(nil)

    func start(every period: Duration, _ body: @escaping @Sendable () async -> Void) {
        task.withLock {
            $0 = Task {
                while !Task.isCancelled {
                    try? await Task.sleep(for: period)
                    if Task.isCancelled { break }
                    await body()
                }
            }
        }
    }

    func stop() async {
        let running = task.withLock { current -> Task<Void, Never>? in
            defer { current = nil }
            return current
        }
        running?.cancel()
        await running?.value
    }
}
